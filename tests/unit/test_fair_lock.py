"""The embedded model's lock: first come, first served, and no waiter past its timeout."""

import threading
import time

from service.models.local_llm import FairLock


def test_waiters_are_served_in_the_order_they_came():
    lock = FairLock()
    assert lock.acquire(timeout=1)
    served: list[int | str] = []

    def wait_then_record(number: int) -> None:
        assert lock.acquire(timeout=10)
        served.append(number)
        lock.release()

    threads = []
    for number in range(8):
        thread = threading.Thread(target=wait_then_record, args=(number,))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)  # each waiter in the queue before the next comes
    lock.release()
    # Coming back at once, the releasing caller queues behind the others instead of barging in
    # (which a plain threading.Lock lets it do).
    assert lock.acquire(timeout=10)
    served.append("again")
    lock.release()
    for thread in threads:
        thread.join(timeout=10)
    assert served == [*range(8), "again"]


def test_a_waiter_gives_up_at_its_timeout_and_leaves_the_queue():
    lock = FairLock()
    assert lock.acquire(timeout=1)
    assert not lock.acquire(timeout=0.05)
    lock.release()
    # Released with nobody waiting: free again, not handed to the waiter that gave up.
    assert lock.acquire(timeout=0.05)
    lock.release()
