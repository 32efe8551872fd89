import socket, time, sys
c = socket.create_connection(("10.0.3.3", 80))
open("/tmp/kern/cport", "w").write(str(c.getsockname()[1]))
c.send(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
got = 0
c.settimeout(0.5)
t0 = time.time()
while time.time() - t0 < 3:
    try:
        d = c.recv(65536)
        got += len(d)
    except socket.timeout:
        pass
time.sleep(2)  # the injection happens here
try:
    c.send(b"ping")
    print("client got", c.recv(100))
except Exception as e:
    print("client:", e)
