#!/usr/bin/env bash
# Creates a demo tenant (once), prints tokens, a curl that works and how to trust the tenant's CA,
# then serves HTTP and HTTPS.
# Environment: DB (database file), LISTEN (HOST:PORT for HTTP), TLS_LISTEN (HOST:PORT for HTTPS;
# empty for none), BIN (the phone-service binary).
set -euo pipefail
DB=${DB:-demo/phone-service.db}
LISTEN=${LISTEN:-127.0.0.1:8080}
TLS_LISTEN=${TLS_LISTEN-127.0.0.1:8443}
BIN=${BIN:-.build/debug/phone-service}
mkdir -p "$(dirname "$DB")"

ADMIN=admin@contoso.com
USER=alice@contoso.com
if ! "$BIN" user list --db "$DB" | cut -f2 | grep -qix "$ADMIN"; then
    "$BIN" user add --db "$DB" "$ADMIN" --display-name "Demo Admin" \
        --role privilegedAuthenticationAdministrator --role authenticationPolicyAdministrator >/dev/null
fi
PASSWORD=alice-demo-password
if ! "$BIN" user list --db "$DB" | cut -f2 | grep -qix "$USER"; then
    "$BIN" user add --db "$DB" "$USER" --display-name "Alice" --password "$PASSWORD" >/dev/null
fi
# An app registration, as an app signs in (docs/sign-in.md); a new client secret every run, as a
# secret's text is shown only when it is made.
APP_NAME="Demo app"
APP_ID=$("$BIN" app list --db "$DB" | awk -F'\t' -v name="$APP_NAME" '$2 == name { print $1; exit }')
if [ -z "$APP_ID" ]; then
    APP_ID=$("$BIN" app add --db "$DB" "$APP_NAME" \
        --application-permission UserAuthenticationMethod.ReadWrite.All \
        --delegated-permission UserAuthenticationMethod.ReadWrite --delegated-permission User.Read)
fi
CLIENT_SECRET=$("$BIN" app secret add --db "$DB" "$APP_ID")

ADMIN_TOKEN=$("$BIN" token --db "$DB" --user "$ADMIN" \
    --scopes "UserAuthenticationMethod.ReadWrite.All Policy.ReadWrite.AuthenticationMethod" --expires 86400)
USER_TOKEN=$("$BIN" token --db "$DB" --user "$USER" --scopes "UserAuthenticationMethod.ReadWrite" --expires 86400)
ADMIN_KEY=$("$BIN" admin-key --db "$DB")
BASE="http://$LISTEN"
# The tenant's CA (made on first use, kept beside the database): what HTTPS clients trust.
CA_FILE="$(cd "$(dirname "$DB")" && pwd)/ca.pem"
"$BIN" tls ca-cert --db "$DB" >"$CA_FILE"

cat <<TEXT

phone-service demo tenant in $DB
  $ADMIN   Privileged Authentication Administrator, Authentication Policy Administrator
  $USER    a plain user

Admin token (UserAuthenticationMethod.ReadWrite.All Policy.ReadWrite.AuthenticationMethod, 24 hours):
export TOKEN=$ADMIN_TOKEN

Alice's own token (UserAuthenticationMethod.ReadWrite, 24 hours):
export ALICE_TOKEN=$USER_TOKEN

The admin API's key (set-up, reset, snapshots, journal, faults; never a Graph token):
export ADMIN_KEY=$ADMIN_KEY
The dashboard, signed in with that key: $BASE/_admin/ui/

The demo app's credentials (a new secret each run; the app has UserAuthenticationMethod.ReadWrite.All):
export CLIENT_ID=$APP_ID CLIENT_SECRET=$CLIENT_SECRET

Get a Graph token as an app does, from the token endpoint (Alice's password is $PASSWORD):
curl -s "$BASE/contoso.com/oauth2/v2.0/token" -d grant_type=client_credentials -d client_id=\$CLIENT_ID \\
  -d client_secret=\$CLIENT_SECRET -d scope=https://graph.microsoft.com/.default
curl -s "$BASE/contoso.com/oauth2/v2.0/token" -d grant_type=password -d client_id=\$CLIENT_ID \\
  -d client_secret=\$CLIENT_SECRET -d username=$USER -d password=$PASSWORD -d scope=User.Read
(MSAL and azure-identity need an https:// authority; docs/sign-in.md says what they need.)

Try, in another terminal:
curl -s -X POST "$BASE/v1.0/users/alice%40contoso.com/authentication/phoneMethods" \\
  -H "Authorization: Bearer \$TOKEN" -H "Content-Type: application/json" \\
  -d '{"phoneNumber": "+1 2065555555", "phoneType": "mobile"}'
curl -s "$BASE/v1.0/users/alice%40contoso.com/authentication/phoneMethods" -H "Authorization: Bearer \$TOKEN"
curl -s "$BASE/_admin/users" -H "Authorization: Bearer \$ADMIN_KEY"
TEXT
if [ -n "$TLS_LISTEN" ]; then
    TLS_PORT=${TLS_LISTEN##*:}
    cat <<TEXT

HTTPS (for SDKs, which refuse to send tokens over plain HTTP) is on https://localhost:$TLS_PORT,
with a certificate from the tenant's own CA, $CA_FILE. Trust it in the client's shell:
export SSL_CERT_FILE=$CA_FILE        # Python (ssl, httpx), .NET on Linux, OpenSSL-based tools
export REQUESTS_CA_BUNDLE=$CA_FILE   # Python requests
export NODE_EXTRA_CA_CERTS=$CA_FILE  # Node.js
curl -s --cacert $CA_FILE https://localhost:$TLS_PORT/v1.0/users/alice%40contoso.com/authentication/phoneMethods \\
  -H "Authorization: Bearer \$TOKEN"
(.NET, Java, PowerShell: docs/trusting-the-ca.md.)

An app's own sign-in code against it, unchanged but for its settings (azure-identity and
msgraph-sdk, as in .venv after make test; with the two exports above, in a file or python3 -):
import asyncio
from azure.identity import ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient

credential = ClientSecretCredential("contoso.com", "$APP_ID", "$CLIENT_SECRET",
                                    authority="https://localhost:$TLS_PORT", disable_instance_discovery=True)
auth = AzureIdentityAuthenticationProvider(credential, scopes=["https://graph.microsoft.com/.default"],
                                          allowed_hosts=["localhost"])
adapter = GraphRequestAdapter(auth)
adapter.base_url = "https://localhost:$TLS_PORT/v1.0"
graph = GraphServiceClient(request_adapter=adapter)
phones = asyncio.run(graph.users.by_user_id("$USER").authentication.phone_methods.get())
print([(phone.phone_type, phone.phone_number) for phone in phones.value])
TEXT
fi
echo
echo "Serving on $BASE${TLS_LISTEN:+ and https://localhost:${TLS_LISTEN##*:}} (Ctrl-C stops)."
exec "$BIN" serve --db "$DB" --listen "$LISTEN" --tls-listen "$TLS_LISTEN"
