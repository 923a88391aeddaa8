"""Writes qr.json: QR codes made by the python-qrcode package (byte mode, level M), with the mask it
chose, for JiliCore's QRCode tests to match module for module.

    python3 -m pip install qrcode && python3 Tests/Fixtures/make_qr.py
"""
import json
import os

import qrcode

texts = [
    "HELLO",
    "https://jili.example.com/invite/AbCdEfGhIjK0123456789_-abcdefghij",
    "http://127.0.0.1:8080/reset/zzzzzzzzzzz0000000000000000000000",
    "邀请：欧阳娜娜（m10）",
    "https://jili.example.com/" + "x" * 180,
    "a" * 400,
]
out = []
for text in texts:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(qrcode.util.QRData(text.encode("utf-8"), mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    rows = ["".join("1" if m else "0" for m in row) for row in code.get_matrix()]
    out.append({"text": text, "version": code.version, "mask": code.mask_pattern if code.mask_pattern is not None else code.best_mask_pattern(), "rows": rows})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "qr.json"), "w") as f:
    json.dump(out, f, ensure_ascii=False, indent=0)
