#pragma once

#include <QLoggingCategory>

namespace EasyCrm::App {

// easycrm.app.database: opening and switching CRM databases (stages and outcomes only).
Q_DECLARE_LOGGING_CATEGORY(lcDatabase)
// easycrm.app.keychain: the OS keychain (never a password, never an account's secret).
Q_DECLARE_LOGGING_CATEGORY(lcKeychain)

} // namespace EasyCrm::App
