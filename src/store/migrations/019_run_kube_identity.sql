-- The Kubernetes identity (user and groups) a run acts as where its environment impersonates,
-- fixed when the run is requested: execution, Resume and automatic revert keep it, and the
-- audit names the person.
ALTER TABLE runs ADD COLUMN kube_identity jsonb;
