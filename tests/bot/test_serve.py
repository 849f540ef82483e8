import gc

from bot.serve import settle


def test_what_start_up_built_is_kept_out_of_the_collectors_full_passes() -> None:
    built_at_start_up = [[n] for n in range(100)]  # containers the collector tracks
    try:
        settle()
        scanned = {id(item) for item in gc.get_objects()}
        assert not scanned & {id(item) for item in built_at_start_up}
        made_later = [0]
        assert id(made_later) in {id(item) for item in gc.get_objects()}, "what requests make is still collected"
    finally:
        gc.unfreeze()  # the test process goes on as it was
