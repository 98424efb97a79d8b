#pragma once

#include <QLoggingCategory>

namespace EasyCrm::Db {

// Stage and outcome only: bound values may be protected tokens or state hashes.
Q_DECLARE_LOGGING_CATEGORY(lcDb)

} // namespace EasyCrm::Db
