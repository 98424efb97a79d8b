# One place for the strictness every target of the product builds with.
function(easycrm_strict target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic
        # An unhandled enum value in a switch is a missed state of a protocol.
        -Werror=switch
        # A dropped [[nodiscard]] result is an unchecked failure.
        -Werror=unused-result
        -Werror=return-type
        -Wshadow=local)
    target_compile_definitions(${target} PRIVATE
        # Every text the person sees goes through tr(); no silent ASCII conversions.
        QT_NO_CAST_FROM_ASCII
        QT_NO_CAST_TO_ASCII
        # URLs are built from parts, never guessed from a string.
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_CAST_FROM_BYTEARRAY
        # File and line in log records, so a warning can be traced without a debugger.
        QT_MESSAGELOGCONTEXT
        QT_USE_QSTRINGBUILDER)
endfunction()
