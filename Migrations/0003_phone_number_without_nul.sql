-- phone-service schema, version 3: phone_number_format also holds for text with a NUL in it.
-- SQLite's length(), instr(), substr() and GLOB stop at the first NUL, so the CHECK of version 1
-- sees only '+1 2065555555' in '+1 2065555555' || char(0) || 'anything' and lets it in. A valid
-- number is ASCII, so its length in bytes equals its length in characters; a NUL (or any non-ASCII
-- character) makes them differ. A CHECK cannot be added to an existing table, so triggers raise
-- the same rule.

CREATE TRIGGER phone_number_format_insert
BEFORE INSERT ON phone_method
WHEN length(CAST(NEW.phone_number AS BLOB)) <> length(NEW.phone_number)
BEGIN
    SELECT RAISE(ABORT, 'phone_number_format');
END;

CREATE TRIGGER phone_number_format_update
BEFORE UPDATE OF phone_number ON phone_method
WHEN length(CAST(NEW.phone_number AS BLOB)) <> length(NEW.phone_number)
BEGIN
    SELECT RAISE(ABORT, 'phone_number_format');
END;
