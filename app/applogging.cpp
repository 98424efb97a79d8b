#include "app/applogging.h"

namespace EasyCrm::App {

Q_LOGGING_CATEGORY(lcDatabase, "easycrm.app.database", QtInfoMsg)
Q_LOGGING_CATEGORY(lcKeychain, "easycrm.app.keychain", QtInfoMsg)

} // namespace EasyCrm::App
