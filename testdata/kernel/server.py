import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(5)
c, _ = s.accept()
c.recv(100)
for i in range(40):
    c.send(b"x" * 1000); time.sleep(0.02)
try:
    while True:
        d = c.recv(100)
        if not d: break
        c.send(b"pong")
except Exception as e:
    print("server:", e)
