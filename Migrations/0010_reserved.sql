-- phone-service schema, version 10: a placeholder on the `tenants` branch only, so that 0011 can
-- run before the lead's 0010 (the journal refusal explanation) lands. On merge, delete this file
-- and keep the lead's 0010; no database made from this branch is kept.
SELECT 1;
