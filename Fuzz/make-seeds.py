#!/usr/bin/env python3
# Writes the seed corpus under Fuzz/corpus/ (usage: python3 Fuzz/make-seeds.py Fuzz/corpus). The JWT
# seeds are signed with the key and tenant FuzzJWT uses, so they reach the claim checks.
import base64, hashlib, hmac, json, os, sys
root = sys.argv[1]
def put(target, name, data):
    d = os.path.join(root, target); os.makedirs(d, exist_ok=True)
    if isinstance(data, str): data = data.encode()
    open(os.path.join(d, name), 'wb').write(data)

create = '{"phoneNumber":"+1 2065555555","phoneType":"mobile"}'
sdk = '{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","phoneNumber":"+1 2065555555x123","phoneType":"alternateMobile"}'
policy = ('{"@odata.type":"#microsoft.graph.smsAuthenticationMethodConfiguration","id":"Sms","state":"enabled",'
          '"includeTargets":[{"@odata.type":"#microsoft.graph.smsAuthenticationMethodTarget","targetType":"group",'
          '"id":"all_users","isRegistrationRequired":false,"isUsableForSignIn":true}],'
          '"excludeTargets":[{"@odata.type":"#microsoft.graph.excludeTarget","targetType":"user","id":"alice@contoso.com"}]}')
# JSON
for i, doc in enumerate([
    create, sdk, policy, '{}', '[]', 'null', 'true', '0', '-0', '1e308', '-1.5e-300', '123456789012345678901234567890',
    '"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/"', '[1,-2.5e-3,true,false,null,{"x":"y"}]', '[' * 64 + ']' * 64,
    ' \t\r\n{"a" : [ 1 , { "b" : null } ] }\n', '{"a":1,"a":2}', '"\\ud800"', '01', '{"a":1,}', '\xef\xbb\xbf{}',
]):
    put('FuzzJSON', f'seed-{i:02}', doc.encode('utf-8', 'surrogatepass') if isinstance(doc, str) else doc)
# Phone bodies (even first byte) and numbers (odd first byte)
for i, body in enumerate([
    create, sdk, policy, '{"phoneNumber":"+1 2065555555"}', '{"phoneType":"office"}', '{"id":"x","smsSignInState":"ready"}',
    '{"createdDateTime":"2026-01-01T00:00:00Z"}', '{"phoneNumber":12065555555,"phoneType":"Mobile"}',
    '{"phoneNumber":"+12065555555","phoneType":"mobile"}', '{"@odata.type":"#microsoft.graph.smsAuthenticationMethodConfiguration","state":"disabled"}',
]):
    put('FuzzPhoneBody', f'body-{i:02}', b'\x00' + body.encode())
for i, number in enumerate([
    '+1 2065555555', '+1 2065555555x123', '+44 7700900123', '+999 123456789012345x1234567890', '+1 5',
    '+12065555555', '+0 1', '+1234 5', '+1 2065555555x', '+1 x1', '+1 1234567890123456', '+1 2065555555\x00',
    '+1 2065555555 ', '+1  2065555555', '+1 206555555\u0661', '+\u0661 2065555555', '',
]):
    put('FuzzPhoneBody', f'number-{i:02}', b'\x01' + number.encode())
# JWT: mode 0 token, 1 claims, 2 header (first byte % 3)
key = bytes([0x5A]) * 32
tid = '4a6b4b4e-2f3c-4d5e-8f90-a1b2c3d4e5f6'
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
def token(header, claims):
    si = b64(header.encode()) + '.' + b64(claims.encode())
    return si + '.' + b64(hmac.new(key, si.encode(), hashlib.sha256).digest())
hs = '{"alg":"HS256","typ":"JWT"}'
delegated = json.dumps({"aud": "https://graph.microsoft.com", "iss": f"https://sts.windows.net/{tid}/", "iat": 1799999000,
    "nbf": 1799999000, "exp": 1800003600, "appid": "5e3ce6c0-2b1f-4285-8d4b-75ee78787346", "tid": tid, "ver": "1.0",
    "oid": "00000000-0000-0000-0000-000000000001", "scp": "UserAuthenticationMethod.ReadWrite.All",
    "wids": ["62e90394-69f5-4237-9190-012177145e10"]}, separators=(',', ':'))
app = json.dumps({"aud": "00000003-0000-0000-c000-000000000000", "exp": 1800003600, "tid": tid, "idtyp": "app",
    "roles": ["UserAuthenticationMethod.Read.All"]}, separators=(',', ':'))
expired = app.replace('1800003600', '1700000000')
future = json.dumps({"aud": "https://graph.microsoft.com", "exp": 1900000000, "nbf": 1890000000, "tid": tid, "roles": []})
othertenant = app.replace(tid, '00000000-0000-0000-0000-000000000000')
for i, t in enumerate([token(hs, delegated), token(hs, app), token('{"alg":"none"}', app), 'a.b.c', '..', 'eyJ',
                       token(hs, delegated) + '.', 'Bearer x', token(hs, '[]'), token(hs, delegated)[:-1]]):
    put('FuzzJWT', f'token-{i:02}', b'\x00' + t.encode())
for i, c in enumerate([delegated, app, expired, future, othertenant, '{"tid":1}', '{}', '[]',
                       delegated.replace('"scp":"UserAuthenticationMethod.ReadWrite.All",', '"scp":5,'),
                       app.replace('"roles":["UserAuthenticationMethod.Read.All"]', '"roles":"x"'),
                       app.replace('"exp":1800003600', '"exp":"1800003600"')]):
    put('FuzzJWT', f'claims-{i:02}', b'\x01' + c.encode())
for i, h in enumerate([hs, '{"alg":"none"}', '{"alg":"HS512"}', '{"alg":"hs256"}', '{"typ":"JWT"}', '{"alg":["HS256"]}',
                       '{"alg":"HS256","kid":"1","crit":["x"]}', '[]', '']):
    put('FuzzJWT', f'header-{i:02}', b'\x02' + h.encode())
# Router: request targets
u = '/v1.0/users/alice%40contoso.com/authentication'
m = '3179e48a-750b-4051-897c-87b9720928f7'
for i, p in enumerate([
    u + '/phoneMethods', u + '/phoneMethods/' + m, u + '/methods', u + '/phoneMethods/' + m + '/enableSmsSignIn',
    '/beta/me/authentication/phoneMethods/' + m + '/microsoft.graph.disableSmsSignIn',
    '/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms',
    '/beta/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms/',
    u + "/phoneMethods?$select=id,phoneNumber&$filter=phoneType%20eq%20'mobile'",
    u + "/phoneMethods?%24filter=phoneType+eq+%27office%27&select=phoneType",
    u + '/phoneMethods?$top=5&$expand=x&$count=true&foo=bar', u + '/phoneMethods?$select=&$filter=',
    '/v1.0/users/a%2Fb%00c/authentication/phoneMethods/', '/v2.0/users', '/healthz', '/', '', '//', '/v1.0/%zz',
    '/v1.0/users/%C3%A9l%C3%A8ve/authentication/phoneMethods', '/V1.0/ME/AUTHENTICATION/PHONEMETHODS', '/v1.0/me/x',
    '/v1.0/users//authentication', '/v1.0/users/%E2%82/authentication', u + '/phoneMethods/' + m + '/enableSmsSignIn/x',
]):
    put('FuzzRouter', f'target-{i:02}', p)
