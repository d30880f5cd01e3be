# SPDX-License-Identifier: MIT
# Sourced by the terminal tests (after lib.sh): a private tmux server
# whose window plays the caller's terminal, driven with send-keys and
# read with capture-pane.  Screens are polled with generous bounds; no
# test depends on how fast anything is.

if ! command -v tmux >/dev/null; then
	skip_all "tmux is not installed (make deps)"
fi

TDIR=$T/share		# writable by every test user
mkdir -p "$TDIR"
chmod 1777 "$TDIR"
_tmuxn=0
TMUXSOCK=$T/tmux.0

tm() {
	tmux -S "$TMUXSOCK" "$@"
}

at_exit 'tm kill-server 2>/dev/null'

# tmux_start [USER]: a 100x30 window with an interactive bash (as USER,
# root by default), prompt "outer$ ", started in $TDIR.
tmux_start() {
	local as=()
	tm kill-server 2>/dev/null
	# A new server each time: an ending one may still hold its socket.
	_tmuxn=$((_tmuxn + 1))
	TMUXSOCK=$T/tmux.$_tmuxn
	[ -n "${1:-}" ] && as=(setpriv --reuid="$1" --regid="$(id -g "$1")"
	    --init-groups --)
	tm -f /dev/null new-session -d -s t -x 100 -y 30 -c "$TDIR" \
	    env -i PATH=/usr/local/bin:/usr/bin:/bin TERM=screen \
	    HOME="$TDIR" PS1='outer$ ' DIVE="$DIVE" SOCK="$SOCK" \
	    T="$T" TDIR="$TDIR" "${as[@]}" bash --norc --noprofile -i
	tm set-option -t t history-limit 5000 >/dev/null
	wait_prompt 'outer$ '
}

# type LINE: type a line of text and Enter into the window.
type_line() {
	tm send-keys -t t -l "$1"
	tm send-keys -t t Enter
}

# key KEY...: tmux key names, e.g. C-c, C-z, Escape.
key() {
	tm send-keys -t t "$@"
}

# screen: the window's text, wrapped lines joined, with its history.
screen() {
	tm capture-pane -p -J -S - -t t 2>/dev/null
}

# poll SECONDS COMMAND...: every 0.1 s until COMMAND succeeds (0), or the
# session has ended or the time is up (1).
poll() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		tm has-session -t t 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

shows() { screen | grep -qE -- "$1"; }
last_line_is() {
	[ "$(screen | grep -v '^$' | tail -n 1 | sed 's/ *$//')" = "${1% }" ]
}

# wait_for REGEX [SECONDS]: until a line of the screen matches (60 s).
wait_for() { poll "${2:-60}" shows "$1"; }

# wait_prompt PROMPT [SECONDS]: until the last line shown is PROMPT, so
# that what is typed next reaches a shell that reads it.
wait_prompt() { poll "${2:-60}" last_line_is "$1"; }

# wait_fg TTY COMMAND [SECONDS]: until COMMAND runs in the foreground
# process group of TTY (e.g. pts/3), not stopped: then a key like C-c or
# C-z typed next reaches it, and not the shell that started it.
wait_fg() {
	local i n=$((${3:-60} * 10))
	for ((i = 0; i < n; i++)); do
		ps -o stat=,comm= -t "$1" 2>/dev/null |
		    awk -v c="$2" '$2 == c && $1 ~ /\+/ && $1 !~ /T/ { f = 1 }
		    END { exit !f }' && return 0
		sleep 0.1
	done
	return 1
}

# expect DESC REGEX: a test that the screen comes to show REGEX.
expect() {
	if wait_for "$2"; then
		ok "$1"
	else
		not_ok "$1"
		diag "screen never matched /$2/:" \
		    "$(screen | grep -v '^$' | tail -n 15)"
	fi
}

# Markers: a command like  echo "@@"rc=$?  shows @@"rc=$? as typed, so
# only its output matches ^@@rc=.  value NAME: the text after "@@NAME="
# on the screen (the last one).
value() {
	screen | sed -n "s/^@@$1=//p" | tail -n 1
}

# clear_screen: forget what was shown (history included), and wait
# until the shell has redrawn it, so that no marker of an earlier step
# can be taken for one of the next.
clear_screen() {
	local i
	for ((i = 0; i < 600; i++)); do
		tm clear-history -t t
		key C-l
		sleep 0.1
		screen | grep -q '^@@' || return 0
	done
	return 1
}
