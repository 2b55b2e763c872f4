-- A staff account's display name, shown wherever a person acts or is chosen (the email only when it is empty).
-- It is personal data: kept here beside the email, never in logs. Setting it is recorded like every account change.
ALTER TABLE platform.accounts
    ADD COLUMN display_name text
        CHECK (display_name IS NULL OR (char_length(display_name) BETWEEN 1 AND 100 AND display_name !~ '[[:cntrl:]]'));
GRANT UPDATE (display_name) ON platform.accounts TO ombud_runtime;
GRANT SELECT (display_name) ON platform.accounts TO ombud_reader;

ALTER TABLE audit.account_records DROP CONSTRAINT account_records_change_check;
ALTER TABLE audit.account_records ADD CONSTRAINT account_records_change_check
    CHECK (change IN ('created', 'role_changed', 'deactivated', 'reactivated', 'password_reset', 'name_set'));
