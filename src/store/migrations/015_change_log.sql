-- The deploy log becomes the change log (src/deploys/deploy-log.ts): every change to a
-- workload, whatever made it. Runs of every verb are recorded when they end (revert, triage
-- run, drill fault and restore, Argo abort beside deploy, rollback and auto-rollback), and an
-- image seen on the cluster that no record explains is recorded as `external`.
--
-- `what` names the part of the workload that changed. For `image`, from_image/to_image are the
-- change. For anything else (`replicas`, `config`, `pods`, `restart`, `canary`) from_value and
-- to_value hold it, and to_image is the image running after the change, so the newest record of
-- a target always names what runs.

ALTER TABLE deploys DROP CONSTRAINT deploys_kind_check;
ALTER TABLE deploys ADD CONSTRAINT deploys_kind_check CHECK (kind IN (
  'deploy', 'rollback', 'auto-rollback', 'revert', 'triage', 'drill-fault', 'drill-restore',
  'argo-abort', 'external', 'run'
));
ALTER TABLE deploys ADD COLUMN what text NOT NULL DEFAULT 'image'
  CHECK (what IN ('image', 'replicas', 'config', 'pods', 'restart', 'canary'));
ALTER TABLE deploys ADD COLUMN from_value text;
ALTER TABLE deploys ADD COLUMN to_value text;
