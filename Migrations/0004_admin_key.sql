-- phone-service schema, version 4: the admin key.
--
-- The bearer credential of the /_admin/ API (test set-up, reset, snapshots, journal, faults),
-- made with the tenant and shown by `phone-service admin-key`. It is not a JWT, so Graph's routes
-- never accept it, and Graph tokens never equal it. Existing tenants get one here; a new tenant
-- gets one when it is created (after the migrations), hence NULL is allowed until then.
ALTER TABLE tenant ADD COLUMN admin_key TEXT
    CONSTRAINT tenant_admin_key_format CHECK (admin_key IS NULL OR (length(admin_key) = 68 AND admin_key LIKE 'psa\_%' ESCAPE '\'));

UPDATE tenant SET admin_key = 'psa_' || lower(hex(randomblob(32))) WHERE admin_key IS NULL;
