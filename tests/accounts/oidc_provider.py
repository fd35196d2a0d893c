"""A local OpenID Connect provider for tests: the authorization code flow with PKCE, as a
university's identity provider answers it, in a thread on 127.0.0.1.

It signs ID tokens with its own RSA key (RS256, published at /jwks), checks the client's
secret, the redirect address, the code's single use and the PKCE verifier, and answers
/userinfo for the access token it issued. ``login_as`` sets who the next authorization is
for; ``id_token_claims`` lets a test change what the next ID token says (another issuer, another
audience) to see the client refuse it.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "debatemap-test"
CLIENT_SECRET = "a-client-secret-for-tests"
KID = "test-key-1"


@dataclass
class Provider:
    base: str
    key: Any
    claims: dict = field(default_factory=dict)
    id_token_claims: dict = field(default_factory=dict)
    codes: dict = field(default_factory=dict)
    access_tokens: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.base

    def login_as(self, sub: str, **claims) -> None:
        """Make the next authorizations log in ``sub`` with these user info claims."""
        self.claims = {"sub": sub, **claims}

    def settings(self) -> dict:
        """Return the Django settings that point a client at this provider."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/jwks",
            "OIDC_PROVIDER_NAME": "Test University",
        }

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [public | {"kid": KID, "alg": "RS256", "use": "sig"}]}

    def id_token(self, *, nonce: str) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": self.claims["sub"],
            "nonce": nonce,
            "iat": now,
            "exp": now + 300,
        } | self.id_token_claims
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": KID})


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, body: dict | None = None, location: str | None = None):
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            data = json.dumps(body).encode() if body is not None else b""
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            provider.requests.append(("GET", url.path, query))
            if url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    return self._send(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {
                    "redirect_uri": query["redirect_uri"],
                    "nonce": query.get("nonce", ""),
                    "challenge": query.get("code_challenge"),
                    "claims": dict(provider.claims),
                }
                back = f"{query['redirect_uri']}?" + urlencode(
                    {"code": code, "state": query["state"]}
                )
                return self._send(302, location=back)
            if url.path == "/jwks":
                return self._send(200, provider.jwks())
            if url.path == "/userinfo":
                auth = self.headers.get("Authorization", "")
                claims = provider.access_tokens.get(auth.removeprefix("Bearer "))
                return self._send(200, claims) if claims else self._send(401, {})
            return self._send(404, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.requests.append(("POST", self.path, form))
            if self.path != "/token":
                return self._send(404, {})
            grant = provider.codes.pop(form.get("code", ""), None)  # a code works once
            if (
                grant is None
                or form.get("client_id") != CLIENT_ID
                or form.get("client_secret") != CLIENT_SECRET
                or form.get("redirect_uri") != grant["redirect_uri"]
            ):
                return self._send(400, {"error": "invalid_grant"})
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return self._send(400, {"error": "invalid_grant", "error_description": "PKCE"})
            access = secrets.token_urlsafe(16)
            provider.access_tokens[access] = grant["claims"]
            provider.claims = grant["claims"]
            return self._send(
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": provider.id_token(nonce=grant["nonce"]),
                },
            )

    return Handler


def start_provider() -> tuple[Provider, ThreadingHTTPServer]:
    """Start the provider on a free port; return it and its server (call shutdown())."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    provider = Provider(base=f"http://127.0.0.1:{server.server_address[1]}", key=key)
    server.RequestHandlerClass = _handler(provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return provider, server
