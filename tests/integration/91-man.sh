#!/bin/bash
# The manual pages against the code: mandoc -Tlint reports nothing on any
# page; every option in "dive --help" and "dived --help" has its entry
# (.It Fl) in dive(1) and dived(8) and every entry is a real option; every
# flag mentioned anywhere (.Fl) belongs to the command it is attributed
# to; the DIVE_* variables dive reads and dived sets are the ones
# documented; dive-protocol(7) states the types, codes, steps, flags,
# limits and example frames the code has; the EXIT STATUS lists of dive(1)
# and dived(8) give exactly the statuses the code names.
#
# Everything is read mechanically from --help output, the mdoc macros and
# the headers, so that new options, variables and codes are checked
# without changing this script.  Needs no root and starts no daemon.
TAP_ONLY=1 . "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
DIVE=$BUILD/bin/dive
DIVED=$BUILD/bin/dived
DUMP=$BUILD/bin/tests/protodump
PROTO=man/dive-protocol.7

pages=(man/*.[1-9])
plan $((${#pages[@]} + 21))

# same DESC A B: A and B hold the same lines (order does not matter).
same() {
	local d
	if d=$(diff <(printf '%s\n' "$2" | sed '/^$/d' | sort -u) \
	    <(printf '%s\n' "$3" | sed '/^$/d' | sort -u)); then
		ok "$1"
	else
		not_ok "$1"
		diag "< only in the first, > only in the second:" "$d"
	fi
}

# none DESC LINES: passes when LINES is empty, else lists them.
none() {
	if [ -z "$2" ]; then ok "$1"; else not_ok "$1"; diag "$2"; fi
}

# help_opts BIN: the options "BIN --help" lists: those of the usage lines
# and those leading an indented line (before their argument and text).
help_opts() {
	"$1" --help 2>/dev/null | awk -v prog="${1##*/}" '
	function opt(w) { return w ~ /^--?[A-Za-z][-A-Za-z0-9]*$/ }
	/^usage:/ || (u && $0 ~ "^[ \t]+" prog "([ \t]|$)") {
		u = 1
		s = $0
		gsub(/[][|]/, " ", s)
		n = split(s, w, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (opt(w[i]))
				print w[i]
		next
	}
	{ u = 0 }
	/^[ \t]+-/ {
		for (i = 1; i <= NF; i++) {
			t = $i
			sub(/,$/, "", t)
			if (!opt(t))
				break
			print t
		}
	}' | sort -u
}

# man_flags PAGE...: "OWNER FLAG ITEM" for every Fl argument of every
# macro line: OWNER is the command named by the last Nm before it on the
# line (the page's own for a bare Nm or none), ITEM 1 on an .It line.
man_flags() {
	awk '
	function macro(w) { return w ~ /^[A-Z][a-z][a-z]?$/ }
	FNR == 1 { page = "" }
	/^\.Nm [^ ]/ && page == "" { page = $2 }
	/^\./ {
		s = substr($0, 2)
		gsub(/"[^"]*"/, "\"\"", s)
		gsub(/\\&/, "", s)
		gsub(/\\-/, "-", s)
		n = split(s, w, /[ \t]+/)
		owner = page
		infl = 0
		for (i = 1; i <= n; i++) {
			if (w[i] == "Nm") {
				owner = i < n && !macro(w[i + 1]) &&
				    w[i + 1] ~ /^[a-z]/ ? w[i + 1] : page
				infl = 0
			} else if (w[i] == "Fl")
				infl = 1
			else if (macro(w[i]))
				infl = 0
			else if (infl && w[i] ~ /^-?[A-Za-z]/)
				print owner, "-" w[i], (w[1] == "It")
		}
	}' "$@"
}

dive_help=$(help_opts "$DIVE")
dived_help=$(help_opts "$DIVED")

# 1. mandoc -Tlint on every page.  Cross-references between these pages
#    cannot resolve before they are installed: they are checked here
#    against man/ instead, and only those messages are left out.
for p in "${pages[@]}"; do
	if ! command -v mandoc >/dev/null; then
		not_ok "mandoc -Tlint $p: mandoc is not installed (make deps)"
		continue
	fi
	out=$(mandoc -Tlint "$p" 2>&1 |
	    grep -v 'outdated mandoc.db lacks' |
	    while IFS= read -r line; do
		if [[ $line =~ referenced\ manual\ not\ found:\ Xr\ ([^ ]+)\ ([0-9]) ]] &&
		    [ -e "man/${BASH_REMATCH[1]}.${BASH_REMATCH[2]}" ]; then
			continue
		fi
		printf '%s\n' "$line"
	done)
	none "mandoc -Tlint $p reports nothing" "$out"
done
missing=$(awk '$1 == ".Xr" && $2 ~ /^dive/ { print $2 "." $3 }' \
    "${pages[@]}" | sort -u | while read -r x; do
	[ -e "man/$x" ] || echo "Xr to man/$x, which does not exist"
done)
none "every cross-reference to a dive page names a page in man/" "$missing"

# 2. Options: --help and the .It Fl entries, both ways, for both commands.
for c in dived:man/dived.8 dive:man/dive.1; do
	cmd=${c%%:*}
	page=${c#*:}
	[ "$cmd" = dived ] && help=$dived_help || help=$dive_help
	# Neither list may be empty: that would make both checks vacuous.
	[ -n "$help" ] || help="(no option read from $cmd --help)"
	items=$(man_flags "$page" | awk -v c="$cmd" '$1 == c && $3 == 1 { print $2 }' |
	    grep -vx -- '--' | sort -u)
	none "$cmd --help: every option has an .It Fl entry in $page" \
	    "$(comm -23 <(printf '%s\n' "$help") <(printf '%s\n' "$items"))"
	none "$page: every .It Fl entry is an option of $cmd --help" \
	    "$(comm -13 <(printf '%s\n' "$help") <(printf '%s\n' "$items"))"
done
bad=$(man_flags "${pages[@]}" | while read -r owner flag item; do
	[ "$flag" = -- ] && continue
	case $owner in
	dive) printf '%s\n' "$dive_help" | grep -qx -- "$flag" ||
	    echo "dive $flag: not an option of dive" ;;
	dived) printf '%s\n' "$dived_help" | grep -qx -- "$flag" ||
	    echo "dived $flag: not an option of dived" ;;
	*) echo "$flag: attributed to '$owner', not to dive or dived" \
	    "(write .Nm dive or .Nm dived before it)" ;;
	esac
done | sort -u)
none "every .Fl in every page is an option of the command it belongs to" "$bad"

# 3. Variables: what dive reads (its getenv literals), dive(1)'s entries
#    and dive --help; what dived's spawner sets and dived(8)'s entries.
client_vars=$(grep -ho '"DIVE_[A-Z_]*"' src/client/*.c | tr -d '"' | sort -u)
page_vars() { awk '$1 == ".It" && $2 == "Ev" && $3 ~ /^DIVE_/ { print $3 }' "$1"; }
same "dive(1) documents exactly the DIVE_* variables dive reads" \
    "$client_vars" "$(page_vars man/dive.1)"
help_vars=$("$DIVE" --help | awk '/^Environment:/ { e = 1; next }
    e && /^$/ { e = 0 } e' | grep -o 'DIVE_[A-Z_]*' | sort -u)
same "dive --help lists exactly the DIVE_* variables dive reads" \
    "$client_vars" "$help_vars"
server_vars=$(grep -ho '"DIVE_[A-Z_]\+[="]' src/spawner/env.c |
    tr -d '"=' | sort -u)
same "dived(8) documents exactly the DIVE_* variables programs get" \
    "$server_vars" "$(page_vars man/dived.8)"

# 4. dive-protocol(7) against msg.h and errors.h.
hex2dec() { while read -r name v; do echo "$name $((v))"; done; }
same "$PROTO: the client's message types and numbers" \
    "$(sed -n 's/^[[:space:]]*\(MSG_[A-Z_]*\) = \([0-9]*\),.*/\1 \2/p' \
    src/common/msg.h | awk '$2 < 32')" \
    "$(awk '/^\.Sh MESSAGE TYPES/ { m = 1; next } /^\.S[hs] / { m = 0 }
    m && $1 == ".It" && $2 == "Dv" && $3 ~ /^MSG_/ && $4 == "Ta" {
    print $3, $5 }' "$PROTO")"
same "$PROTO: the error codes" \
    "$(sed -n 's/^[[:space:]]*\(E_[A-Z_]*\) = -\([0-9]*\),.*/\1 \2/p' \
    src/common/errors.h)" \
    "$(awk '$1 == ".It" && $3 == "Ta" && $4 == "Dv" && $5 ~ /^E_/ {
    print $5, $2 }' "$PROTO")"
same "$PROTO: the steps of MSG_FAILED" \
    "$(sed -n 's/^[[:space:]]*\(STEP_[A-Z_]*\) = \([0-9]*\),.*/\1 \2/p' \
    src/common/msg.h | grep -v '^STEP_MAX ')" \
    "$(awk '$1 == ".It" && $3 == "Ta" && $4 == "Dv" && $5 ~ /^STEP_/ {
    print $5, $2 }' "$PROTO")"
same "$PROTO: the MSG_HELLO flags" \
    "$(sed -n 's/^#define[[:space:]]*\(HELLO_[A-Z_]*\)[[:space:]]*\(0x[0-9a-f]*\)u.*/\1 \2/p' \
    src/common/msg.h | grep -v '^HELLO_ALL_FLAGS ' | hex2dec)" \
    "$(awk '$1 == ".It" && $3 == "Ta" && $4 == "Dv" && $5 ~ /^HELLO_/ {
    print $5, $2 }' "$PROTO" | hex2dec)"
same "$PROTO: the special descriptors of MSG_REQ_EXEC" \
    "$(sed -n 's/^#define[[:space:]]*\(REQ_SPECIAL_[A-Z]*\)[[:space:]]*\(0x[0-9a-f]*\)u.*/\1 \2/p' \
    src/common/msg.h | grep -v '^REQ_SPECIAL_ALL ' | hex2dec)" \
    "$(awk '$1 == ".It" && $3 == "Ta" && $4 == "Dv" && $5 ~ /^REQ_SPECIAL_/ {
    print $5, $2 }' "$PROTO" | hex2dec)"
if [ -x "$DUMP" ]; then
	same "$PROTO: LIMITS states the limits of msg.h" \
	    "$("$DUMP" limits | awk '$1 ~ /^MSG_MAX_/')" \
	    "$(awk '/^\.Sh LIMITS/ { l = 1; next } /^\.Sh / { l = 0 }
	    l && $1 == ".It" && $2 != "Sy" {
		s = $0; sub(/^\.It /, "", s); split(s, f, / Ta /)
		split(f[2], v, " ")
		m["Request payload"] = "MSG_MAX_LEN"
		m["Any other payload"] = "MSG_MAX_SMALL"
		m["Descriptors"] = "MSG_MAX_FDS"
		m["Descriptor number"] = "MSG_MAX_FDNUM"
		m["Arguments"] = "MSG_MAX_ARGS"
		m["Environment entries"] = "MSG_MAX_ENV"
		m["One string"] = "MSG_MAX_STR"
		if (f[1] in m) print m[f[1]], v[1]
	    }' "$PROTO")"
	# CHANNELS: each receiver's table, as the code's tables are.
	same "$PROTO: CHANNELS states every receiver's table of the code" \
	    "$("$DUMP" tables | sort)" \
	    "$(awk '/^\.Sh CHANNELS/ { c = 1; next } /^\.Sh / { c = 0 }
	    c && /^\.Ss / { to = substr($0, 5); next }
	    c && $1 == ".It" && $2 == "Dv" {
		s = $0; sub(/^\.It Dv /, "", s); n = split(s, f, / Ta /)
		printf "%s", to
		for (i = 1; i <= n; i++) printf "|%s", f[i]
		print ""
	    }' "$PROTO" | sort)"
	same "$PROTO: the example frames are what msg.c encodes" \
	    "$("$DUMP")" \
	    "$(awk '/^\.Sh EXAMPLES/ { e = 1; next } /^\.Sh / { e = 0 }
	    e && /^\.Bd -literal/ { b = 1; next }
	    e && /^\.Ed/ { b = 0; print ""; next }
	    b { for (i = 1; i <= NF && $i ~ /^[0-9a-f][0-9a-f]$/; i++)
		printf "%s", $i }' "$PROTO")"
else
	not_ok "$PROTO: LIMITS: $DUMP is not built (make tests)"
	not_ok "$PROTO: CHANNELS: $DUMP is not built (make tests)"
	not_ok "$PROTO: example frames: $DUMP is not built (make tests)"
fi

# 5. Exit statuses: the values of each program's enum (header, enum name),
#    FATAL_EXIT read from log.h, against the Nth list of EXIT STATUS.
fatal_exit=$(sed -n \
    's/^#define[[:space:]]*FATAL_EXIT[[:space:]]*\([0-9]*\).*/\1/p' \
    src/common/log.h)
enum_values() {
	sed -n "/^enum $2 {/,/^};/p" "$1" |
	    sed "s/= FATAL_EXIT,/= $fatal_exit,/" |
	    sed -n 's/^[[:space:]]*[A-Z_]* = \([0-9]*\),.*/\1/p'
}
page_values() {
	awk -v want="$2" '/^\.Sh EXIT STATUS/ { e = 1; next } /^\.Sh / { e = 0 }
	    e && /^\.Bl / { if (d++ == 0) n++ }
	    e && /^\.El/ { d-- }
	    e && n == want && d == 1 && $1 == ".It" && $2 ~ /^[0-9]+$/ {
		print $2 }' "$1"
}
# exits DESC CODE PAGE: the same values, and not none (vacuous).
exits() {
	if [ -z "$2" ]; then not_ok "$1"; diag "no value read from the code"
	else same "$1" "$2" "$3"; fi
}
exits "dive(1): EXIT STATUS lists dive's statuses (but 0 and 128 + signal)" \
    "$(enum_values src/client/client.h dive_exit | grep -vx '0\|128')" \
    "$(page_values man/dive.1 1)"
exits "dived(8): EXIT STATUS lists dived's statuses" \
    "$(enum_values src/dived/dived.h dived_exit)" \
    "$(page_values man/dived.8 1)"
exits "dived(8): EXIT STATUS lists the spawner's statuses" \
    "$(enum_values src/plan/plan.h spawn_exit)" \
    "$(page_values man/dived.8 2)"
exits "dived(8): EXIT STATUS lists dived-listener's statuses" \
    "$(enum_values src/listener/listener.h listener_exit
    sed -n 's/^[[:space:]]*MON_CHILD_NOEXEC = \([0-9]*\),.*/\1/p' \
    src/monitor/monitor.h)" \
    "$(page_values man/dived.8 3)"
[ $_failed -eq 0 ]
