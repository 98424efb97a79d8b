# Installs the sandbox's npm packages from its lock file, unless the installed tree already
# matches the lock file (npm writes node_modules/.package-lock.json on install).
set(lock "${SANDBOX_DIR}/package-lock.json")
set(installed "${SANDBOX_DIR}/node_modules/.package-lock.json")
if(EXISTS "${installed}" AND NOT "${lock}" IS_NEWER_THAN "${installed}")
    message(STATUS "Sandbox packages are installed")
    return()
endif()
execute_process(COMMAND npm ci --no-audit --no-fund
    WORKING_DIRECTORY "${SANDBOX_DIR}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "npm ci in ${SANDBOX_DIR} failed (${result})")
endif()
