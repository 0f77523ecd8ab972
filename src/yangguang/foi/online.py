"""Online submissions that can be retried without losing the query code (DOMAIN.md §3).

A double click or a network retry sends the same application twice. Only one application may be
created, and every response must lead to a receipt with the same working query code (查询密码),
although the database keeps only the code's hash. So the code of an online submission is not
random: it is a keyed HMAC (SECRET_KEY) of a secret that the client sends again with each retry,
the form's token or the API's idempotency key. The server can compute the code again for a
retry; no one without SECRET_KEY and the secret can. The database keeps neither the code nor the
secret, only an HMAC of the secret as the idempotency key.

The web form token has three parts (64 hex characters):

    nonce (32, random) | issued (16: MAC of the nonce) | session (16: MAC of nonce + session key)

`issued` proves the server generated the token, so no client can pick one. `session` ties the
token to the browser session that loaded the form. A retry may show the code again only when
its token belongs to the retrying session. Someone who learned another person's token cannot
get that person's number or code with it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from django.utils.crypto import constant_time_compare, salted_hmac

from yangguang.core.tracking import CODE_ALPHABET, CODE_LENGTH

Source = Literal["web", "api"]

TOKEN_RE = re.compile(r"^[0-9a-f]{64}$")
_NONCE = 32
_MAC = 16
# API idempotency keys are chosen by the client. A retry returns the code again only for keys
# at least this long, such as a UUID. A short key ("k1") can be guessed, so its retries get
# null, as before.
API_KEY_MIN_REPLAY = 16

_PURPOSE_ISSUED = "yangguang.foi.online.form-token.issued"
_PURPOSE_SESSION = "yangguang.foi.online.form-token.session"
_PURPOSE_KEY = "yangguang.foi.online.idempotency-key"
_PURPOSE_CODE = "yangguang.foi.online.query-code"


def _mac(purpose: str, value: str, length: int = 64) -> str:
    return salted_hmac(purpose, value, algorithm="sha256").hexdigest()[:length]


def new_form_token(session_key: str) -> str:
    """A fresh token for the application form shown to the session `session_key`."""
    nonce = secrets.token_hex(_NONCE // 2)
    return (
        nonce
        + _mac(_PURPOSE_ISSUED, nonce, _MAC)
        + _mac(_PURPOSE_SESSION, f"{nonce}:{session_key}", _MAC)
    )


def form_token_issued(token: str) -> bool:
    """Did this server generate `token`? (Any session: a session may expire while a citizen
    is still filling in a long form. A first submission from a new session is still fine.)"""
    if not TOKEN_RE.match(token):
        return False
    nonce, issued = token[:_NONCE], token[_NONCE : _NONCE + _MAC]
    return constant_time_compare(issued, _mac(_PURPOSE_ISSUED, nonce, _MAC))


def form_token_bound(token: str, session_key: str | None) -> bool:
    """Was `token` issued to the session `session_key`?"""
    if not session_key or not form_token_issued(token):
        return False
    nonce, bound = token[:_NONCE], token[_NONCE + _MAC :]
    return constant_time_compare(bound, _mac(_PURPOSE_SESSION, f"{nonce}:{session_key}", _MAC))


def receipt_id(token: str) -> str:
    """The receipt's name in its URL and in the session. The URL names the receipt by a hash
    of the token, so the token stays out of browser history and access logs."""
    return hashlib.sha256(f"foi-receipt:{token}".encode()).hexdigest()[:32]


def derive_code(source: Source, secret: str) -> str:
    """The query code of the online submission named by `secret`, in the alphabet and length of
    core.tracking's random codes (no look-alike characters)."""
    digest = salted_hmac(f"{_PURPOSE_CODE}.{source}", secret, algorithm="sha256").digest()
    n = int.from_bytes(digest, "big")  # 256 bits for 31⁸ ≈ 2³⁹·⁶ codes: no measurable bias
    chars = []
    for _ in range(CODE_LENGTH):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    return "".join(chars)


@dataclass(frozen=True)
class OnlineSubmission:
    """What makes one online submission idempotent.

    `secret` is the form token or the API idempotency key. `may_reveal` says whether a retry may
    receive the query code again. For the web it is true when the token belongs to this session.
    For the API it is true when the key is long enough to be unguessable."""

    source: Source
    secret: str
    may_reveal: bool

    @property
    def idempotency_key(self) -> str:
        # Keyed, so that a database dump reveals neither the form tokens nor the client keys.
        # "web:" plus 60 hex characters fills the 64-character column.
        return f"{self.source}:{_mac(_PURPOSE_KEY, f'{self.source}:{self.secret}', 60)}"

    @property
    def code(self) -> str:
        return derive_code(self.source, self.secret)
