"""ports.py — a free 127.0.0.1 port for the Python integration tests (standard library only).

free_port(): a port number free for TCP and UDP both, since arena-server binds one number for
each (the game over UDP, the login over TCP)."""
import socket


def free_port():
    """A port free for TCP and UDP both (the server binds one number for each)."""
    while True:
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        p = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", p))
            return p
        except OSError:
            continue
        finally:
            t.close()
            u.close()
