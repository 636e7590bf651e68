import type { PublishScorecard } from '../../dora/run-scorecard.ts';
import { renderDora } from '../render/dora.ts';
import type { SlackWebClient } from '../web-client.ts';

/**
 * Posts the weekly scorecard: the figures and targets as a message linking the evidence page,
 * then the chart as a PNG through files.uploadV2 to the same channel, where people look.
 */
export function slackScorecardPublisher(client: SlackWebClient): PublishScorecard {
  return async (doc) => {
    const message = renderDora(doc.card, { evidenceUrl: doc.evidenceUrl });
    await client.chat.postMessage({
      channel: doc.channel,
      text: message.text,
      blocks: message.blocks,
    });
    const upload = (await client.filesUploadV2({
      channel_id: doc.channel,
      file: doc.png,
      filename: `dora-scorecard-${doc.period}.png`,
      title: `Delivery scorecard ${doc.period}`,
      alt_text:
        'Bars per week: deployment frequency, lead time, change failure rate, time to restore',
      initial_comment: `Delivery scorecard chart, week to ${doc.card.until.toISOString().slice(0, 10)}: ${doc.evidenceUrl}`,
    })) as { files?: { files?: { id?: string }[] }[] };
    const fileId = upload.files?.[0]?.files?.[0]?.id;
    return fileId ? { fileId } : {};
  };
}
