#!/usr/bin/env python3
"""Dev-only: drive headless Chromium through chromedriver's W3C HTTP API (no Selenium install needed).

    python3 drive.py URL [--size 1400x900] [--wait 4] [--js 'return ...']... [--shot out.png] [--console]

Each --js runs in order (after --wait seconds); its result is printed as JSON. --shot saves a screenshot at the end.
Use `--sleep N` between steps to let animations run.
"""
import base64, json, os, socket, subprocess, sys, tempfile, time, urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Driver:
    def __init__(self, width=1400, height=900):
        self.port = free_port()
        self.proc = subprocess.Popen(["/usr/bin/chromedriver", f"--port={self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        self.profile = tempfile.mkdtemp()
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return json.loads(resp.read())["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(e.read().decode()[:2000])

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def get(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def shot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def logs(self):
        try:
            return self.s("POST", "/se/log", {"type": "browser"})
        except Exception as e:
            return [str(e)]

    def quit(self):
        try:
            self.s("DELETE", "")
        finally:
            self.proc.terminate()


def main(argv):
    url = argv[0]
    size = "1400x900"
    steps = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--size":
            size = argv[i + 1]; i += 2
        elif a in ("--wait", "--sleep"):
            steps.append(("sleep", float(argv[i + 1]))); i += 2
        elif a == "--js":
            steps.append(("js", argv[i + 1])); i += 2
        elif a == "--shot":
            steps.append(("shot", argv[i + 1])); i += 2
        elif a == "--console":
            steps.append(("console", None)); i += 1
        else:
            raise SystemExit(f"unknown arg {a}")
    w, h = (int(x) for x in size.split("x"))
    d = Driver(w, h)
    try:
        d.get(url)
        for kind, value in steps:
            if kind == "sleep":
                time.sleep(value)
            elif kind == "js":
                print(json.dumps(d.js(value), indent=None)[:6000])
            elif kind == "shot":
                d.shot(value)
                print("screenshot", value)
            elif kind == "console":
                for entry in d.logs():
                    print("console:", entry)
    finally:
        d.quit()


if __name__ == "__main__":
    main(sys.argv[1:])
