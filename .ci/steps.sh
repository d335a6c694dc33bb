# The step runner of .ci/run, sourced by it (and by tests/ProtoGen.Samples.Tests/CiRunnerTests.cs).
#
#   step NAME COMMAND [ARGS...]        runs a check; a failure is recorded under NAME and the run goes on
#   test_step NAME COMMAND [ARGS...]   the same for the test command, whose last line ("N passed, N failed") is kept
#   finish                             prints "failed steps: ..." when any failed, then the test count; its status is the run's
#
# A step whose command is missing (a script that does not exist or is not executable, a program not on PATH) fails
# like a step that ran and failed: nothing is ever skipped.

ci_failures=()
ci_test_summary=""

# ci_check_command COMMAND: whether COMMAND can run; says why not.
ci_check_command() {
  local command=$1
  if [[ "$command" == */* ]]; then
    if [[ ! -e "$command" ]]; then
      echo "::: $command is missing"
      return 1
    fi
    if [[ ! -f "$command" || ! -x "$command" ]]; then
      echo "::: $command is not an executable file"
      return 1
    fi
  elif ! type "$command" > /dev/null 2>&1; then
    echo "::: $command: command not found"
    return 1
  fi
}

step() {
  local name=$1
  shift
  echo "::: $name"
  if ! ci_check_command "$1" || ! "$@"; then
    ci_failures+=("$name")
    echo "::: $name FAILED"
  fi
}

# ci_run_tests COMMAND...: runs the test command, its output shown and its last line kept in ci_test_summary.
ci_run_tests() {
  ci_check_command "$1" || return 1
  local output
  output=$(mktemp)
  "$@" 2>&1 | tee "$output"
  local status=${PIPESTATUS[0]}
  ci_test_summary=$(tail -n 1 "$output")
  rm -f "$output"
  return "$status"
}

test_step() {
  local name=$1
  shift
  step "$name" ci_run_tests "$@"
}

finish() {
  if [[ ${#ci_failures[@]} -gt 0 ]]; then
    local joined
    joined=$(printf ', %s' "${ci_failures[@]}")
    echo "failed steps: ${joined:2}"
  fi
  # The final line CI reads. A test command that did not run or printed no count counts as one failure.
  if [[ "$ci_test_summary" =~ ^[0-9]+\ passed,\ [0-9]+\ failed ]]; then
    echo "$ci_test_summary"
  else
    echo "0 passed, 1 failed"
  fi
  [[ ${#ci_failures[@]} -eq 0 ]]
}
