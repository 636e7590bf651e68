-- What a run's verification window found (intervals run, each check's last value), or why
-- none ran, kept with the run so its card and its evidence say what was verified.
ALTER TABLE runs ADD COLUMN verification jsonb;
