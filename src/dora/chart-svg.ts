import type { WeekPoint } from './weekly-series.ts';

interface Panel {
  title: string;
  unit: string;
  values: (number | null)[];
  format: (v: number) => string;
}

const WIDTH = 960;
const HEIGHT = 600;
const PANEL_W = 440;
const PANEL_H = 230;
const FONT = "font-family='DejaVu Sans, Arial, sans-serif'";

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

function panel(p: Panel, weeks: string[], x: number, y: number, colour: string): string {
  const present = p.values.filter((v): v is number => v !== null);
  const max = Math.max(...present, 0) || 1;
  const plotTop = y + 40;
  const plotH = PANEL_H - 80;
  const slot = PANEL_W / p.values.length;
  const bar = slot * 0.6;
  const parts = [
    `<text x='${x}' y='${y + 18}' ${FONT} font-size='16' font-weight='bold' fill='#1d1c1d'>${escapeXml(p.title)}</text>`,
    `<text x='${x + PANEL_W}' y='${y + 18}' ${FONT} font-size='12' fill='#616061' text-anchor='end'>${escapeXml(p.unit)}</text>`,
    `<line x1='${x}' y1='${plotTop + plotH}' x2='${x + PANEL_W}' y2='${plotTop + plotH}' stroke='#ddd'/>`,
  ];
  p.values.forEach((v, i) => {
    const cx = x + slot * i + slot / 2;
    const label = weeks[i]?.slice(5) ?? '';
    parts.push(
      `<text x='${cx}' y='${plotTop + plotH + 16}' ${FONT} font-size='10' fill='#616061' text-anchor='middle'>${label}</text>`,
    );
    if (v === null) {
      parts.push(
        `<text x='${cx}' y='${plotTop + plotH - 4}' ${FONT} font-size='10' fill='#999' text-anchor='middle'>–</text>`,
      );
      return;
    }
    const h = Math.max((v / max) * plotH, v > 0 ? 2 : 0);
    parts.push(
      `<rect x='${cx - bar / 2}' y='${plotTop + plotH - h}' width='${bar}' height='${h}' fill='${colour}' rx='2'/>`,
      `<text x='${cx}' y='${plotTop + plotH - h - 4}' ${FONT} font-size='10' fill='#1d1c1d' text-anchor='middle'>${escapeXml(p.format(v))}</text>`,
    );
  });
  return parts.join('');
}

const round1 = (v: number) => (Math.round(v * 10) / 10).toString();

/**
 * The scorecard chart: bars per week for each of the four keys, in a 2 × 2 grid, as SVG that
 * renders the same server-side (resvg) and in a browser (the evidence page).
 */
export function scorecardSvg(title: string, points: WeekPoint[]): string {
  const weeks = points.map((p) => p.week);
  const panels: [Panel, string][] = [
    [
      {
        title: 'Deployment frequency',
        unit: 'deploys per week',
        values: points.map((p) => p.deploys),
        format: String,
      },
      '#2eb67d',
    ],
    [
      {
        title: 'Lead time for changes',
        unit: 'median, hours',
        values: points.map((p) =>
          p.leadTimeMedianSeconds === null ? null : p.leadTimeMedianSeconds / 3600,
        ),
        format: round1,
      },
      '#36c5f0',
    ],
    [
      {
        title: 'Change failure rate',
        unit: '% of deploys',
        values: points.map((p) =>
          p.changeFailureRate === null ? null : p.changeFailureRate * 100,
        ),
        format: (v) => `${Math.round(v)}`,
      },
      '#e01e5a',
    ],
    [
      {
        title: 'Time to restore',
        unit: 'median, minutes',
        values: points.map((p) =>
          p.timeToRestoreMedianSeconds === null ? null : p.timeToRestoreMedianSeconds / 60,
        ),
        format: (v) => `${Math.round(v)}`,
      },
      '#ecb22e',
    ],
  ];
  const body = panels
    .map(([p, colour], i) =>
      panel(
        p,
        weeks,
        30 + (i % 2) * (PANEL_W + 50),
        70 + Math.floor(i / 2) * (PANEL_H + 30),
        colour,
      ),
    )
    .join('');
  return [
    `<svg xmlns='http://www.w3.org/2000/svg' width='${WIDTH}' height='${HEIGHT}' viewBox='0 0 ${WIDTH} ${HEIGHT}'>`,
    `<rect width='${WIDTH}' height='${HEIGHT}' fill='#ffffff'/>`,
    `<text x='30' y='40' ${FONT} font-size='22' font-weight='bold' fill='#1d1c1d'>${escapeXml(title)}</text>`,
    body,
    '</svg>',
  ].join('');
}
