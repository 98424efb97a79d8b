#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace EasyCrm::Testing {

// Stands in for the person's system browser: sandbox/scripted-browser.mjs signs in and
// answers the consent page on the sandbox's real pages, then follows the redirect to the
// app's loopback listener. Used as the service's browser-open hook.
class ScriptedBrowser final : public QObject
{
    Q_OBJECT

public:
    explicit ScriptedBrowser(QObject *parent = nullptr) : QObject(parent) {}

    // Arguments after the URL, e.g. {"--login", "alice", "--decision", "approve"}.
    void setArguments(QStringList arguments) { m_arguments = std::move(arguments); }
    std::function<bool(const QUrl &)> opener();

    int openCount() const { return m_opened; }
    bool finished() const { return m_finished; }
    int exitCode() const { return m_exitCode; }
    int callbackStatus() const { return m_callbackStatus; }
    QByteArray diagnostics() const { return m_stderr; }

signals:
    void done();

private:
    bool open(const QUrl &url);

    QStringList m_arguments;
    int m_opened = 0;
    bool m_finished = false;
    int m_exitCode = -1;
    int m_callbackStatus = 0;
    QByteArray m_stderr;
};

} // namespace EasyCrm::Testing
