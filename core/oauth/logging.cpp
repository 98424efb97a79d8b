#include "core/oauth/logging.h"

namespace EasyCrm::OAuth {

Q_LOGGING_CATEGORY(lcLoopback, "easycrm.oauth.loopback", QtInfoMsg)
Q_LOGGING_CATEGORY(lcToken, "easycrm.oauth.token", QtInfoMsg)
Q_LOGGING_CATEGORY(lcFlow, "easycrm.oauth.flow", QtInfoMsg)

} // namespace EasyCrm::OAuth
