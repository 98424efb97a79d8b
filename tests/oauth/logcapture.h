#pragma once

#include <QByteArray>
#include <QStringList>
#include <QtGlobal>

// Captures every log line while it lives, with debug switched on for the product and for Qt's
// network authentication, so a test can prove no secret ever reaches a log.
class LogCapture
{
public:
    LogCapture();
    ~LogCapture();
    Q_DISABLE_COPY_MOVE(LogCapture)

    QStringList messages() const { return s_messages; }
    // True when any line holds the secret, as it is or percent-encoded.
    bool mentions(const QByteArray &secret) const;

private:
    static void capture(QtMsgType type, const QMessageLogContext &context, const QString &text);
    static inline QStringList s_messages;
    QtMessageHandler m_previous = nullptr;
};
