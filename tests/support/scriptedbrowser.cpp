#include "tests/support/scriptedbrowser.h"

#include "tests/support/sandboxserver.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace EasyCrm::Testing {

std::function<bool(const QUrl &)> ScriptedBrowser::opener()
{
    return [this](const QUrl &url) { return open(url); };
}

bool ScriptedBrowser::open(const QUrl &url)
{
    ++m_opened;
    m_finished = false;
    auto *process = new QProcess(this);
    process->setProgram(nodeExecutable());
    process->setArguments(QStringList{sandboxDirectory() + u"/scripted-browser.mjs"_qs,
                                      url.toString(QUrl::FullyEncoded)}
                          + m_arguments);
    connect(process, &QProcess::finished, this, [this, process](int exitCode) {
        m_exitCode = exitCode;
        const QJsonObject result =
            QJsonDocument::fromJson(process->readAllStandardOutput().trimmed()).object();
        m_callbackStatus = result.value(u"callbackStatus").toInt();
        m_stderr += process->readAllStandardError();
        m_finished = true;
        process->deleteLater();
        emit done();
    });
    process->start();
    return true;
}

} // namespace EasyCrm::Testing
