#include "ui/waitingpanel.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

WaitingPanel::WaitingPanel(QWidget *parent)
    : QFrame(parent)
    , m_title(new QLabel(this))
    , m_detail(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_copyLink(new QPushButton(tr("Copy link"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    setObjectName(QStringLiteral("waitingPanel"));
    m_title->setObjectName(QStringLiteral("waitingTitle"));
    m_title->setTextFormat(Qt::PlainText);
    QFont titleFont = m_title->font();
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_detail->setObjectName(QStringLiteral("waitingDetail"));
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setWordWrap(true);
    m_progress->setObjectName(QStringLiteral("waitingProgress"));
    m_progress->setRange(0, 0); // indeterminate: the browser step has no measurable progress
    m_progress->setTextVisible(false);
    m_copyLink->setObjectName(QStringLiteral("copyLinkButton"));
    m_copyLink->setProperty("action", QStringLiteral("secondary"));
    m_copyLink->setToolTip(tr("Copy the sign-in link, to open it in a browser yourself"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setProperty("action", QStringLiteral("secondary"));
    connect(m_copyLink, &QPushButton::clicked, this, &WaitingPanel::copyLink);
    connect(m_cancel, &QPushButton::clicked, this, &WaitingPanel::cancelClicked);

    auto *header = new QHBoxLayout;
    header->setSpacing(8);
    header->addWidget(m_title, 1);
    header->addWidget(m_copyLink);
    header->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 14);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_detail);
    layout->addWidget(m_progress);
    hide();
}

void WaitingPanel::start(const QString &providerName, const QUrl &authorizeUrl)
{
    m_providerName = providerName;
    m_authorizeUrl = authorizeUrl;
    m_phase = FlowPhase::Idle;
    setPhase(authorizeUrl.isEmpty() ? FlowPhase::Preparing : FlowPhase::WaitingForBrowser);
}

void WaitingPanel::setPhase(FlowPhase phase)
{
    m_phase = phase;
    // The link is only worth copying until the browser has come back: its state is single use.
    m_copyLink->setEnabled(phase == FlowPhase::WaitingForBrowser && m_authorizeUrl.isValid());
    //: %1 is a provider name such as LinkedIn.
    const QString finishing = tr("The browser is done; EasyCRM is completing the connection "
                                 "to %1.")
                                  .arg(m_providerName);
    switch (phase) {
    case FlowPhase::Idle:
    case FlowPhase::Preparing:
        //: %1 is a provider name such as LinkedIn.
        return showTexts(tr("Preparing the connection…"),
                         tr("Opening the %1 sign-in page in your browser.").arg(m_providerName));
    case FlowPhase::WaitingForBrowser:
        return showTexts(tr("Waiting for you to finish in the browser…"),
                         //: %1 is a provider name such as LinkedIn.
                         tr("Sign in to %1 and approve access in the browser window that "
                            "opened. If no window opened, copy the link into your browser.")
                             .arg(m_providerName));
    case FlowPhase::Exchanging:
        return showTexts(tr("Exchanging the authorization…"), finishing);
    case FlowPhase::Verifying:
        return showTexts(tr("Verifying the account…"), finishing);
    case FlowPhase::Saving:
        return showTexts(tr("Saving the connection…"), finishing);
    }
}

void WaitingPanel::reset()
{
    m_providerName.clear();
    m_authorizeUrl.clear();
    m_phase = FlowPhase::Idle;
    m_copyLink->setEnabled(false);
    hide();
}

void WaitingPanel::copyLink()
{
    if (!m_authorizeUrl.isValid())
        return;
    QGuiApplication::clipboard()->setText(m_authorizeUrl.toString(QUrl::FullyEncoded));
    emit linkCopied();
}

void WaitingPanel::showTexts(const QString &title, const QString &detail)
{
    m_title->setText(title);
    m_detail->setText(detail);
}

void WaitingPanel::showInRows(QVBoxLayout *rows, int index, QScrollArea *scroll)
{
    rows->removeWidget(this);
    rows->insertWidget(index, this);
    show();
    // Once the layout has placed it (a posted event, hence queued): keep it in view.
    QMetaObject::invokeMethod(
        this,
        [this, scroll] {
            if (isVisible())
                scroll->ensureWidgetVisible(this, 0, 16);
        },
        Qt::QueuedConnection);
}

} // namespace EasyCrm::Ui
