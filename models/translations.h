#pragma once

#include <QLocale>

class QCoreApplication;

namespace EasyCrm::Models {

// Installs the product's translations on `app`: the English plural forms ("1 minute ago",
// "2 minutes ago") always, as the fallback, then the catalogue of `locale` where one ships.
// Returns false when the English plural forms could not be loaded (a packaging error).
[[nodiscard]] bool installTranslations(QCoreApplication &app, const QLocale &locale = {});

} // namespace EasyCrm::Models
