#include "logcapture.h"

#include <QLoggingCategory>
#include <QUrl>

LogCapture::LogCapture()
{
    s_messages.clear();
    QLoggingCategory::setFilterRules(QStringLiteral("easycrm.*=true\nqt.networkauth*=true"));
    m_previous = qInstallMessageHandler(&LogCapture::capture);
}

LogCapture::~LogCapture()
{
    qInstallMessageHandler(m_previous);
    QLoggingCategory::setFilterRules(QString());
}

bool LogCapture::mentions(const QByteArray &secret) const
{
    const QString plain = QString::fromUtf8(secret);
    const QString encoded = QString::fromLatin1(secret.toPercentEncoding());
    for (const QString &line : s_messages) {
        if (line.contains(plain) || line.contains(encoded))
            return true;
    }
    return false;
}

void LogCapture::capture(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    Q_UNUSED(type)
    s_messages.append(QString::fromLatin1(context.category ? context.category : "") + u' ' + text);
}
