-- Where a run came from. team_id: the Slack team (workspace) it was asked for in, so a click
-- from another team (a shared channel) is refused. thread_ts: the thread its message belongs
-- in (a triage Run posts its card in the incident's thread). NULL for runs asked for outside
-- Slack and for runs stored before.
ALTER TABLE runs ADD COLUMN team_id text;
ALTER TABLE runs ADD COLUMN thread_ts text;
