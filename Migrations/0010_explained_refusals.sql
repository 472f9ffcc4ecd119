-- phone-service schema, version 10: explained refusals.
--
-- A 403 stays Graph's plain `accessDenied` on the wire; its journal row says why: the scopes,
-- roles or directory roles that would have been accepted and what the caller had, e.g.
-- "this request needs one of scp UserAuthenticationMethod.Read ...; the token has scp User.Read".
-- Permission and role names only: never a number, a token or a message.
ALTER TABLE request_journal ADD COLUMN explanation TEXT;
