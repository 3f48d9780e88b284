# A webhook receiver written from Didit's documentation (docs.didit.me/integration/webhooks, "Signature
# Verification Methods"), not from facesearch's code: X-Signature is the HMAC-SHA256 hex of the raw body;
# X-Signature-V2 the HMAC of the parsed body re-encoded with sorted keys, ASCII escapes and whole floats as integers
# (so it survives middleware that re-parses JSON); X-Signature-Simple the HMAC of
# "{timestamp}:{session_id}:{status}:{webhook_type}"; X-Timestamp is Unix seconds and older than 5 minutes is refused.
# Python standard library only.
#
# Usage: python3 didit_webhook_receiver.py SECRET  -> prints "PORT n", then one JSON line per request:
#   {"raw": bool, "v2": bool, "simple": bool, "fresh": bool, "body": {...}}; answers 200 when all hold, else 401.
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = sys.argv[1]


def shorten_floats(data):
    if isinstance(data, dict):
        return {key: shorten_floats(value) for key, value in data.items()}
    if isinstance(data, list):
        return [shorten_floats(item) for item in data]
    if isinstance(data, float) and data.is_integer():
        return int(data)
    return data


def sign(message):
    return hmac.new(SECRET.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(raw_body, signature):
    return bool(signature) and hmac.compare_digest(sign(raw_body), signature)


def verify_signature_v2(data, signature):
    encoded = json.dumps(shorten_floats(data), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return bool(signature) and hmac.compare_digest(sign(encoded.encode("utf-8")), signature)


def verify_signature_simple(data, signature):
    canonical = "{}:{}:{}:{}".format(data.get("timestamp", ""), data.get("session_id", ""),
                                     data.get("status", ""), data.get("webhook_type", ""))
    return bool(signature) and hmac.compare_digest(sign(canonical.encode("utf-8")), signature)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        raw_body = self.rfile.read(int(self.headers["Content-Length"]))
        data = json.loads(raw_body)  # as a framework's body parser would
        timestamp = self.headers.get("X-Timestamp", "0")
        result = {
            "raw": verify_signature(raw_body, self.headers.get("X-Signature")),
            "v2": verify_signature_v2(data, self.headers.get("X-Signature-V2")),
            "simple": verify_signature_simple(data, self.headers.get("X-Signature-Simple")),
            "fresh": abs(time.time() - int(timestamp)) <= 300,
            "body": data,
        }
        print(json.dumps(result), flush=True)
        self.send_response(200 if all(result[k] for k in ("raw", "v2", "simple", "fresh")) else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Receiver)
print("PORT", server.server_address[1], flush=True)
server.serve_forever()
