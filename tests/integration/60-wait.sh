#!/bin/bash
# DIVE_WAITMODE: 0 waits for the exit status, 1 returns once started,
# 2 waits until every holder of the extra descriptor is gone; a server
# that does not wait (-w) makes mode 0 fall back to 2.
. "$(dirname "$0")/lib.sh"
plan 15

seq3() {	# MODE: prints the order in which things happen
	bash -c 'DIVE_WAITMODE=$1 "$DIVE" "$0" /bin/bash -c \
	    "sleep 0.3; printf www"; printf qqq' "$SOCK" "$1" 2>/dev/null
}

start_dived
is "mode 0 waits for the program" "$(seq3 0)" wwwqqq
is "mode 1 returns at once" "$(seq3 1)" qqqwww
is "mode 2 waits for the descriptor" "$(seq3 2)" wwwqqq
is "mode 2 waits for a background child holding it" \
    "$(DIVE_WAITMODE=2 "$DIVE" "$SOCK" /bin/bash -c \
    '(sleep 0.4; printf late) & printf early'; printf qqq)" earlylateqqq
is "mode 0 does not wait for background children" \
    "$(DIVE_WAITMODE=0 "$DIVE" "$SOCK" /bin/bash -c \
    '(sleep 0.4; printf late) & printf early'; printf qqq)" earlyqqqlate

DIVE_WAITMODE=2 "$DIVE" "$SOCK" /bin/sh -c 'exit 5'
is "mode 2 still ends with the program's status" $? 5

# Mode 1 must return while the program still waits for us.
mkfifo "$T/fifo"
DIVE_WAITMODE=1 timeout 10 "$DIVE" "$SOCK" /bin/sh -c \
    "read x < $T/fifo; echo \$x > $T/out; exit 5"
is "mode 1 exits 0 before the program ends" $? 0
echo go > "$T/fifo"
for i in $(seq 100); do [ -s "$T/out" ] && break; sleep 0.05; done
is "the program went on after dive returned" "$(cat "$T/out")" go
DIVE_WAITMODE=1 "$DIVE" "$SOCK" /no/such/program 2>/dev/null
is "mode 1 still reports a program that cannot start" $? 127
DIVE_WAITMODE=7 "$DIVE" "$SOCK" /bin/true 2>/dev/null
is "an invalid DIVE_WAITMODE is a usage error" $? 4

start_dived -w
out=$(seq3 0)
is "server -w, mode 0: falls back to waiting for the descriptor" "$out" \
    wwwqqq
err=$(DIVE_WAITMODE=0 "$DIVE" "$SOCK" /bin/true 2>&1)
like "server -w, mode 0: dive says it falls back" "$err" "DIVE_WAITMODE=2"
is "server -w, mode 1" "$(seq3 1)" qqqwww
is "server -w, mode 2" "$(seq3 2)" wwwqqq
"$DIVED" "$T/s" -w -n 2>/dev/null
is "-w with -n: usage error" $? 4
