#include "tests/support/logcapture.h"

#include <QLoggingCategory>
#include <QMutex>

namespace EasyCrm::Testing {

namespace {
QMutex g_mutex;
QStringList g_lines;
QtMessageHandler g_previous = nullptr;

void record(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_mutex);
        g_lines.append(QString::fromLatin1(context.category ? context.category : "default")
                       + u": "_qs + message);
    }
    if (g_previous)
        g_previous(type, context, message);
}
} // namespace

LogCapture::LogCapture()
{
    QLoggingCategory::setFilterRules(QStringLiteral("easycrm.*.debug=true\nqt.networkauth*=true"));
    g_previous = qInstallMessageHandler(record);
}

LogCapture::~LogCapture()
{
    qInstallMessageHandler(g_previous);
}

QStringList LogCapture::lines() const
{
    QMutexLocker lock(&g_mutex);
    return g_lines;
}

} // namespace EasyCrm::Testing
