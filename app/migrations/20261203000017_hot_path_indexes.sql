-- Indexes the hot paths were missing, found by the index-scan test on PostgreSQL
-- (server/tests/api/index_scans.rs): housekeeping's pruning of old throttle turns and
-- known devices, the caseload's "steps overdue with nothing done", and the referral form's
-- list of a program's services.
CREATE INDEX throttle_turns_touched ON throttle_turns (touched_at);
CREATE INDEX known_devices_last_used ON known_devices (last_used_at);
CREATE INDEX check_ins_step ON check_ins (step_id);
CREATE INDEX services_organisation ON services (organisation_id, name);
