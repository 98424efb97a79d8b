#include "models/translations.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTranslator>

namespace EasyCrm::Models {

Q_LOGGING_CATEGORY(lcTranslations, "easycrm.models.translations", QtWarningMsg)

namespace {

const QString kDirectory = QStringLiteral(":/easycrm/i18n");
const QString kBaseName = QStringLiteral("easycrm");

bool installCatalogue(QCoreApplication &app, const QString &fileName)
{
    auto *translator = new QTranslator(&app);
    if (!translator->load(fileName, kDirectory)) {
        delete translator;
        return false;
    }
    return QCoreApplication::installTranslator(translator);
}

bool installLocale(QCoreApplication &app, const QLocale &locale)
{
    auto *translator = new QTranslator(&app);
    if (!translator->load(locale, kBaseName, QStringLiteral("_"), kDirectory)) {
        delete translator;
        return false;
    }
    return QCoreApplication::installTranslator(translator);
}

} // namespace

bool installTranslations(QCoreApplication &app, const QLocale &locale)
{
    // The source texts are English but carry "%n minute(s)": only a catalogue turns them into
    // proper plurals, so English is always installed first and searched last.
    const bool english = installCatalogue(app, kBaseName + QStringLiteral("_en"));
    if (!english)
        qCWarning(lcTranslations) << "the English plural forms are missing from the resources";
    if (locale.language() != QLocale::English && locale.language() != QLocale::C &&
        !installLocale(app, locale)) {
        qCDebug(lcTranslations) << "no catalogue for" << locale.name();
    }
    return english;
}

} // namespace EasyCrm::Models
