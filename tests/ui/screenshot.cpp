#include "tests/ui/screenshot.h"

#include <QCoreApplication>
#include <QDir>
#include <QPixmap>
#include <QTest>
#include <QWidget>

namespace EasyCrm::Testing {

namespace {

QString screenshotDirectory(const QString &requested)
{
    if (!requested.isEmpty())
        return requested;
    const QString fromEnvironment = qEnvironmentVariable("EASYCRM_SCREENSHOT_DIR");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    return QCoreApplication::applicationDirPath();
}

} // namespace

QString readmeScreenshotDirectory()
{
    return screenshotDirectory(qEnvironmentVariable("EASYCRM_README_SCREENSHOT_DIR"));
}

QString saveScreenshot(QWidget &widget, const QString &name, const QString &directory)
{
    const bool wasHidden = !widget.isVisible();
    if (wasHidden) {
        widget.show();
        if (!QTest::qWaitForWindowExposed(&widget))
            return {};
    }
    // Let pending layout requests and style re-polishes land before the shot.
    QCoreApplication::processEvents();
    const QPixmap shot = widget.grab();
    if (wasHidden)
        widget.hide();

    const QDir dir(screenshotDirectory(directory));
    if (!dir.exists() && !QDir().mkpath(dir.absolutePath()))
        return {};
    const QString path = dir.absoluteFilePath(name + QStringLiteral(".png"));
    return shot.save(path, "PNG") ? path : QString();
}

} // namespace EasyCrm::Testing
