#!/usr/bin/env python3
"""Delays every Ethernet frame between two interfaces, both ways: what tc netem's "delay MS JITTER" does, for kernels
built without netem. mesh-network.sh detour puts it in a member's link. Frames are held DELAY_MS +- JITTER_MS
(uniform, so they may be reordered, as with netem). Exits when the test process OWNER_PID is gone.

    delay-relay.py IF_A IF_B DELAY_MS JITTER_MS OWNER_PID
"""
import array
import heapq
import os
import random
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003


def open_raw(interface):
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    raw.bind((interface, 0))
    raw.setblocking(False)
    return raw


def ones_complement_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(array.array("H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def with_tcp_checksum(frame):
    """A veth hands over TCP segments with the checksum left to the hardware (there is none): fill it in."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return frame
    header = (frame[14] & 0x0F) * 4
    total_length = int.from_bytes(frame[16:18], "big")
    segment = bytearray(frame[14 + header:14 + total_length])
    if len(segment) < 20:
        return frame
    segment[16:18] = b"\0\0"
    pseudo = frame[26:34] + b"\0\x06" + len(segment).to_bytes(2, "big")
    checksum = ~ones_complement_sum(pseudo + bytes(segment)) & 0xFFFF
    segment[16:18] = checksum.to_bytes(2, sys.byteorder)
    return frame[:14 + header] + bytes(segment) + frame[14 + total_length:]


def main():
    if_a, if_b, delay_ms, jitter_ms, owner = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    a, b = open_raw(if_a), open_raw(if_b)
    other = {a: b, b: a}
    due = []  # (when, sequence, socket to send on, frame)
    sequence = 0
    next_owner_check = 0.0
    print("delay-relay ready", flush=True)
    while True:
        now = time.monotonic()
        if now >= next_owner_check:
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                return
            next_owner_check = now + 1
        timeout = min(1.0, max(0.0, due[0][0] - now)) if due else 1.0
        readable, _, _ = select.select([a, b], [], [], timeout)
        for source in readable:
            while True:
                try:
                    frame, address = source.recvfrom(65536)
                except BlockingIOError:
                    break
                except OSError:
                    return  # the detour was taken down
                if address[2] == socket.PACKET_OUTGOING:
                    continue  # our own send on this interface, seen again
                hold = max(0.0, delay_ms + random.uniform(-jitter_ms, jitter_ms)) / 1000
                sequence += 1
                heapq.heappush(due, (time.monotonic() + hold, sequence, other[source], with_tcp_checksum(frame)))
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, target, frame = heapq.heappop(due)
            try:
                target.send(frame)
            except OSError:
                pass  # a frame the link cannot carry is lost, as on a wire


if __name__ == "__main__":
    main()
