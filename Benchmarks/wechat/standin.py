"""A stand-in for WeChat's servers, answering as WeChat's documentation says, for benchmarks and
browser journeys (the Swift tests have their own, in Tests/JiliServerTests/Support/WeChatStandIn.swift).

    python3 Benchmarks/wechat/standin.py PORT [APPID SECRET]

Endpoints: /connect/oauth2/authorize (approves at once as the person set by
/_standin/person?openid=…, and sends the browser back with a code and the state),
/sns/oauth2/access_token (40029 for a code unknown or used), /cgi-bin/token (client_credential),
/cgi-bin/message/template/send (40001 for a token older than the one before the newest, 40003, 40037), and
/_standin/stats: the messages received, how many distinct (by their link), the tokens handed out.
"""
import json
import sys
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
APPID = sys.argv[2] if len(sys.argv) > 2 else "wxstandin00000001"
SECRET = sys.argv[3] if len(sys.argv) > 3 else "standin-secret-0123456789abcdef"
lock = threading.Lock()
state = {"person": "oStandInPerson0001", "codes": {}, "tokens": [], "received": 0, "links": set(), "duplicates": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, obj, status=200, content_type="application/json"):
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        if url.path == "/connect/oauth2/authorize":
            if q.get("appid") != APPID or q.get("response_type") != "code" or q.get("scope") != "snsapi_base":
                return self.answer({"error": "appid或参数错误"}, 400)
            code = "code-" + uuid.uuid4().hex
            with lock:
                state["codes"][code] = state["person"]
            back = q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": q.get("state", "")})
            self.send_response(302)
            self.send_header("Location", back)
            self.end_headers()
        elif url.path == "/sns/oauth2/access_token":
            if q.get("appid") != APPID or q.get("secret") != SECRET:
                return self.answer({"errcode": 40125, "errmsg": "invalid appsecret"}, content_type="text/plain")
            with lock:
                person = state["codes"].pop(q.get("code", ""), None)
            if person is None:
                return self.answer({"errcode": 40029, "errmsg": "invalid code"}, content_type="text/plain")
            self.answer({"access_token": "A", "expires_in": 7200, "refresh_token": "R", "openid": person, "scope": "snsapi_base"},
                        content_type="text/plain")
        elif url.path == "/cgi-bin/token":
            if q.get("grant_type") != "client_credential" or q.get("appid") != APPID or q.get("secret") != SECRET:
                return self.answer({"errcode": 40125, "errmsg": "invalid appsecret"})
            token = "TOKEN-" + uuid.uuid4().hex
            with lock:
                state["tokens"].append(token)
            self.answer({"access_token": token, "expires_in": 7200})
        elif url.path == "/_standin/person":
            with lock:
                state["person"] = q.get("openid", state["person"])
            self.answer({"person": state["person"]})
        elif url.path == "/_standin/stats":
            with lock:
                self.answer({"received": state["received"], "distinct": len(state["links"]), "duplicates": state["duplicates"],
                             "tokens": len(state["tokens"])})
        else:
            self.answer({"errcode": 404, "errmsg": "not found"}, 404)

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self.answer({"errcode": 47001, "errmsg": "data format error"})
        if url.path != "/cgi-bin/message/template/send":
            return self.answer({"errcode": 404, "errmsg": "not found"}, 404)
        with lock:
            # The newest token, or the one before it (WeChat keeps it valid for 5 minutes after a new one).
            if q.get("access_token") not in state["tokens"][-2:]:
                return self.answer({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"})
            if not str(body.get("touser", "")).startswith("o"):
                return self.answer({"errcode": 40003, "errmsg": "invalid openid"})
            if not str(body.get("template_id", "")).startswith("TPL-"):
                return self.answer({"errcode": 40037, "errmsg": "invalid template_id"})
            state["received"] += 1
            link = body.get("url", "") + "|" + str(body.get("touser"))
            if link in state["links"]:
                state["duplicates"] += 1
            state["links"].add(link)
            msgid = 200000000 + state["received"]
        self.answer({"errcode": 0, "errmsg": "ok", "msgid": msgid})


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
