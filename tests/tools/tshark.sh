#!/bin/sh
# The tshark the tests run ($TSHARK points here, $TSHARK_BIN at tshark):
# no terminal input, and a time limit, so that a decoder that never
# finishes fails its test instead of holding up the whole suite.
exec timeout -k 10 600 "${TSHARK_BIN:-tshark}" "$@" < /dev/null
