#!/bin/sh
# The study's shell forwarder: curl POSTs the hook's JSON (stdin, or for Codex's legacy `notify`
# the argument after the URL) to the URL in $1 and prints nothing; it always exits 0 within
# about a second, so it can never block or change the agent.
if [ $# -ge 2 ]; then
  curl -s -o /dev/null -m 1 --noproxy '*' -H 'content-type: application/json' --data-binary "$2" "$1"
else
  curl -s -o /dev/null -m 1 --noproxy '*' -H 'content-type: application/json' --data-binary @- "$1"
fi
exit 0
