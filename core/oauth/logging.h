#pragma once

#include <QLoggingCategory>

namespace EasyCrm::OAuth {

// Debug is off by default; switch it on with "easycrm.oauth.*.debug=true". No category of this
// component ever receives a token, code, verifier, state, secret or raw request.
Q_DECLARE_LOGGING_CATEGORY(lcLoopback)
Q_DECLARE_LOGGING_CATEGORY(lcToken)
Q_DECLARE_LOGGING_CATEGORY(lcFlow)

} // namespace EasyCrm::OAuth
