#!/bin/bash
# dived --check-config decides as the daemon does: for each request of a
# table (daemon options, forced command line with and without -A, -u,
# the client, the user it asks for, its arguments), the verdict of
# --check-config is compared with what a real dived does for a real
# client, and with the verdict expected.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
CONF=$T/dived.conf
cat > "$CONF" <<'EOF'
permit divetest1 cmd /usr/bin/id args -u
permit divetest1 as root cmd /usr/bin/id args -un
permit :divetestx as nobody cmd /bin/true
permit divetest2 cmd /bin/true
deny divetest2 cmd /usr/bin/true args x
EOF
chmod 644 "$CONF"

# EXPECTED|DAEMON OPTIONS|FORCED COMMAND LINE|CLIENT|dive -u|CLIENT ARGS
ROWS=(
	'permit|||divetest1||/usr/bin/id -u'
	'deny|||divetest1||id -G'
	'permit|||divetest1|root|id -un'
	'deny|||divetest2|root|id -un'
	'deny|||divetest1|no-such-user-x|id -u'
	'permit|-A|/usr/bin/id -u|divetest1||'
	'deny|-A|/usr/bin/id -G|divetest1||'
	'permit|-A -u root|/usr/bin/id -un|divetest1||'
	'deny|-A -u root|/usr/bin/id -un|divetest2||'
	'permit|-A -u root|id -un|divetest1||'
	'permit||/usr/bin/id|divetest1||-u'
	'deny||/usr/bin/id -u|divetest1||-G'
	'permit||id|divetest1|root|-un'
	'permit|-u nobody||divetest1||/bin/true'
	'deny|-u nobody||divetest1||/usr/bin/id -G'
	'permit|||divetest2||true'
	'deny|||divetest2||/usr/bin/true x'
	'permit|||divetest1|nobody|/usr/bin/true'
)
plan ${#ROWS[@]}

# daemon_verdict: permit, deny or what else happened, from try's results.
daemon_verdict() {
	if [ "$st" = 126 ] && [[ $err == "dive: denied by policy: "* ]]; then
		echo deny
	elif [ "$st" = 0 ]; then
		echo permit
	else
		echo "status $st: $err"
	fi
}

for row in "${ROWS[@]}"; do
	IFS='|' read -r exp opts forced client target args <<< "$row"
	read -ra O <<< "$opts"
	read -ra F <<< "$forced"
	read -ra A <<< "$args"
	U=()
	[ -n "$target" ] && U=(-u "$target")
	D=()
	[ ${#F[@]} -gt 0 ] && D=(-- "${F[@]}")
	start_dived --config "$CONF" --audit-log "$T/audit.json" "${O[@]}" \
	    "${D[@]}" || continue
	try "$client" "${U[@]}" "$SOCK" "${A[@]}"
	dv=$(daemon_verdict)
	stop_dived
	# The same request to --check-config, with the daemon's options.
	C=(--as-client "$client")
	[ -n "$target" ] && C+=(--as-target "$target")
	if [ ${#F[@]} -eq 0 ]; then
		C+=("${O[@]}" -- "${A[@]}")
	elif [[ " $opts " == *" -A "* ]]; then
		C+=("${O[@]}" -- "${F[@]}")
	else
		C+=("${O[@]}" --forced -- "${F[@]}" "${A[@]}")
	fi
	out=$("$DIVED" --check-config "$CONF" "${C[@]}" 2>&1)
	cst=$?
	cv=${out%%$'\n'*}
	case $cv/$cst in
	permit/0|deny/3) ;;
	*) cv="status $cst: $out" ;;
	esac
	is "[$opts${forced:+ -- $forced}] $client${target:+ -u $target}: ${args:-(no arguments)}: daemon and --check-config: $exp" \
	    "daemon $dv, check $cv" "daemon $exp, check $exp"
done
