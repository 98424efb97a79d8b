#include "core/service/systembrowser.h"

#include <QLoggingCategory>
#include <QProcess>

Q_DECLARE_LOGGING_CATEGORY(lcService)

namespace EasyCrm {

SystemBrowser::SystemBrowser(QObject *parent)
    : QObject(parent)
    , m_program(QStringLiteral("xdg-open"))
{}

void SystemBrowser::setOpener(const QString &program, const QStringList &arguments)
{
    m_program = program;
    m_arguments = arguments;
}

bool SystemBrowser::open(const QUrl &url)
{
    auto *process = new QProcess(this);
    process->setProgram(m_program);
    process->setArguments(m_arguments + QStringList{url.toString(QUrl::FullyEncoded)});
    process->setStandardOutputFile(QProcess::nullDevice());
    process->setStandardErrorFile(QProcess::nullDevice());
    connect(process, &QProcess::finished, this,
            [this, process](int exitCode, QProcess::ExitStatus status) {
                process->deleteLater();
                if (status != QProcess::NormalExit || exitCode != 0) {
                    qCWarning(lcService) << "The URL opener found no browser; exit code"
                                         << exitCode;
                    emit failed();
                }
            });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return;
        qCWarning(lcService) << "The URL opener could not be started";
        process->deleteLater();
        emit failed();
    });
    process->start();
    return true;
}

} // namespace EasyCrm
