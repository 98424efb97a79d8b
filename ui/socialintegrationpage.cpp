#include "ui/socialintegrationpage.h"

#include "ui/messagestrip.h"
#include "ui/providerrow.h"
#include "ui/theme.h"
#include "ui/waitingpanel.h"

#include <QLabel>
#include <QLoggingCategory>
#include <QScrollArea>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

Q_LOGGING_CATEGORY(lcSocialPage, "easycrm.ui.social", QtWarningMsg)

using Models::ProviderListModel;

namespace {

// Past this width rows stop stretching: a button far from its provider name is hard to read.
constexpr int kMaxContentWidth = 880;

} // namespace

SocialIntegrationPage::SocialIntegrationPage(ProviderListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_messageStrip(new MessageStrip(this))
    , m_waitingPanel(new WaitingPanel(this))
{
    setObjectName(QStringLiteral("socialIntegrationPage"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(Theme::pageStyleSheet());

    auto *column = new QVBoxLayout;
    column->setSpacing(16);
    buildHeader(column);
    column->addWidget(m_messageStrip);
    column->addWidget(buildProviderList(), 1);
    auto *columnHolder = new QWidget(this);
    columnHolder->setMaximumWidth(kMaxContentWidth);
    columnHolder->setLayout(column);
    column->setContentsMargins(0, 0, 0, 0);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(32, 28, 32, 20);
    layout->addWidget(columnHolder, 1);
    layout->addStretch(0);

    connect(m_waitingPanel, &WaitingPanel::cancelClicked, this, &SocialIntegrationPage::onCancel);
    connect(m_waitingPanel, &WaitingPanel::linkCopied, this, &SocialIntegrationPage::onLinkCopied);
    if (m_model)
        connectModel();
    rebuildRows();
}

SocialIntegrationPage::~SocialIntegrationPage() = default;

void SocialIntegrationPage::connectModel()
{
    // Structural changes rebuild the rows; value changes update them in place.
    connect(m_model, &QAbstractItemModel::modelReset, this, &SocialIntegrationPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SocialIntegrationPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SocialIntegrationPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::rowsMoved, this, &SocialIntegrationPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &SocialIntegrationPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &SocialIntegrationPage::updateRows);
}

void SocialIntegrationPage::buildHeader(QVBoxLayout *layout)
{
    auto *title = new QLabel(tr("Social Integration"), this);
    title->setObjectName(QStringLiteral("pageTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.75);
    titleFont.setWeight(QFont::DemiBold);
    title->setFont(titleFont);
    auto *description = new QLabel(tr("Connect your social media accounts so EasyCRM can read "
                                      "mentions, answer messages and publish posts for you."),
                                   this);
    description->setObjectName(QStringLiteral("pageDescription"));
    description->setWordWrap(true);

    auto *header = new QVBoxLayout;
    header->setSpacing(4);
    header->addWidget(title);
    header->addWidget(description);
    layout->addLayout(header);
}

QWidget *SocialIntegrationPage::buildProviderList()
{
    auto *list = new QWidget;
    list->setObjectName(QStringLiteral("providerList"));
    m_rowsLayout = new QVBoxLayout(list);
    m_rowsLayout->setContentsMargins(0, 0, 0, 0);
    m_rowsLayout->setSpacing(10);
    m_emptyLabel = new QLabel(tr("No providers are available yet. An administrator can "
                                 "configure them under Providers."),
                              list);
    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setWordWrap(true);
    m_rowsLayout->addWidget(m_emptyLabel);
    m_rowsLayout->addStretch(1);

    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("providerScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setWidget(list);
    m_scroll->viewport()->setAutoFillBackground(false);
    return m_scroll;
}

void SocialIntegrationPage::rebuildRows()
{
    m_rowsLayout->removeWidget(m_waitingPanel);
    // Deleted later, not now: a row may be the sender of the click that led to this rebuild.
    // Unparented at once so it is no longer part of the page.
    for (ProviderRow *row : std::as_const(m_rows)) {
        m_rowsLayout->removeWidget(row);
        row->setParent(nullptr);
        row->deleteLater();
    }
    m_rows.clear();

    const int count = m_model ? m_model->rowCount() : 0;
    for (int row = 0; row < count; ++row) {
        const QModelIndex index = m_model->index(row);
        auto *providerRow =
            new ProviderRow(index.data(ProviderListModel::ProviderKeyRole).toString(),
                            m_rowsLayout->parentWidget());
        connect(providerRow, &ProviderRow::actionTriggered, this,
                &SocialIntegrationPage::onRowAction);
        connect(providerRow, &ProviderRow::detailsRequested, this,
                &SocialIntegrationPage::detailsRequested);
        providerRow->showData(index);
        providerRow->setFlowRunning(!m_waitingKey.isEmpty() || m_otherRunning);
        m_rowsLayout->insertWidget(row, providerRow);
        m_rows.append(providerRow);
    }
    m_emptyLabel->setVisible(count == 0);
    placeWaitingPanel();
}

void SocialIntegrationPage::updateRows(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    for (int row = topLeft.row(); row <= bottomRight.row() && row < m_rows.size(); ++row)
        m_rows.at(row)->showData(m_model->index(row));
}

void SocialIntegrationPage::showWaiting(const QString &providerKey, const QUrl &authorizeUrl)
{
    if (providerKey != m_waitingKey)
        m_messageStrip->dismiss(); // the outcome of an earlier attempt no longer applies
    beginWaiting(providerKey, authorizeUrl);
}

void SocialIntegrationPage::showPhase(FlowPhase phase, const QString &providerKey)
{
    if (phase == FlowPhase::Idle) {
        clearWaiting();
        return;
    }
    if (providerKey != m_waitingKey) {
        m_messageStrip->dismiss();
        beginWaiting(providerKey, {});
    }
    m_waitingPanel->setPhase(phase);
}

void SocialIntegrationPage::showSuccess(const QString &message)
{
    clearWaiting();
    m_messageStrip->showMessage(MessageStrip::Kind::Success, message);
}

void SocialIntegrationPage::showError(const QString &message)
{
    clearWaiting();
    m_messageStrip->showMessage(MessageStrip::Kind::Error, message);
}

void SocialIntegrationPage::showInfo(const QString &message)
{
    m_messageStrip->showMessage(MessageStrip::Kind::Info, message);
}

void SocialIntegrationPage::clearWaiting()
{
    m_waitingKey.clear();
    m_waitingPanel->reset();
    placeWaitingPanel();
    setFlowRunning(false);
}

void SocialIntegrationPage::beginWaiting(const QString &providerKey, const QUrl &authorizeUrl)
{
    m_waitingKey = providerKey;
    const int row = m_model ? m_model->rowOf(providerKey) : -1;
    const QString name =
        row >= 0 ? m_model->index(row).data(ProviderListModel::ProviderNameRole).toString()
                 : providerKey;
    m_waitingPanel->start(name, authorizeUrl);
    placeWaitingPanel();
    setFlowRunning(true);
}

void SocialIntegrationPage::placeWaitingPanel()
{
    m_rowsLayout->removeWidget(m_waitingPanel);
    if (m_waitingKey.isEmpty()) {
        m_waitingPanel->hide();
        return;
    }
    // Right under its provider; first when the provider is not (or no longer) listed.
    qsizetype at = 0;
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i)->providerKey() == m_waitingKey)
            at = i + 1;
    }
    m_waitingPanel->showInRows(m_rowsLayout, static_cast<int>(at), m_scroll);
}

void SocialIntegrationPage::setOtherAttemptRunning(bool running)
{
    m_otherRunning = running;
    setFlowRunning(!m_waitingKey.isEmpty());
}

void SocialIntegrationPage::setFlowRunning(bool running)
{
    for (ProviderRow *row : std::as_const(m_rows))
        row->setFlowRunning(running || m_otherRunning);
}

void SocialIntegrationPage::onRowAction(const QString &providerKey,
                                        ProviderListModel::Action action)
{
    qCDebug(lcSocialPage) << "action" << action << "for" << providerKey;
    switch (action) {
    case ProviderListModel::Action::Connect:
        emit connectRequested(providerKey);
        break;
    case ProviderListModel::Action::Disconnect:
        emit disconnectRequested(providerKey);
        break;
    case ProviderListModel::Action::Reconnect:
        emit reconnectRequested(providerKey);
        break;
    }
}

void SocialIntegrationPage::onCancel()
{
    // The person asked to stop; the page does not wait for the service to confirm.
    clearWaiting();
    emit cancelRequested();
}

void SocialIntegrationPage::onLinkCopied()
{
    showInfo(tr("Link copied. Paste it into your browser to continue signing in."));
}

} // namespace EasyCrm::Ui
