#include "ui/brandaccountspage.h"

#include "models/providerlistmodel.h"
#include "ui/addbrandaccountdialog.h"
#include "ui/brandaccountrow.h"
#include "ui/messagestrip.h"
#include "ui/theme.h"
#include "ui/waitingpanel.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLoggingCategory>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

Q_LOGGING_CATEGORY(lcBrandPage, "easycrm.ui.brands", QtWarningMsg)

using Models::BrandAccountsModel;
using Models::ProviderListModel;

namespace {

// As on Social Integration: past this width a button drifts too far from its account's name.
constexpr int kMaxContentWidth = 880;

QString busyTip()
{
    return BrandAccountsPage::tr("Finish or cancel the connection in progress first.");
}

} // namespace

BrandAccountsPage::BrandAccountsPage(BrandAccountsModel *model, ProviderListModel *providers,
                                     QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_providers(providers)
    , m_messageStrip(new MessageStrip(this))
    , m_waitingPanel(new WaitingPanel(this))
{
    setObjectName(QStringLiteral("brandAccountsPage"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(Theme::pageStyleSheet());

    auto *column = new QVBoxLayout;
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(16);
    column->addWidget(buildHeader());
    column->addWidget(m_messageStrip);
    column->addWidget(buildList(), 1);
    auto *columnHolder = new QWidget(this);
    columnHolder->setMaximumWidth(kMaxContentWidth);
    columnHolder->setLayout(column);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(32, 28, 32, 20);
    layout->addWidget(columnHolder, 1);
    layout->addStretch(0);

    connect(m_waitingPanel, &WaitingPanel::cancelClicked, this, &BrandAccountsPage::onCancel);
    connect(m_waitingPanel, &WaitingPanel::linkCopied, this, [this] {
        showInfo(tr("Link copied. Paste it into your browser to continue signing in."));
    });
    if (m_model)
        connectModel();
    rebuildRows();
    setCanManage(false);
}

BrandAccountsPage::~BrandAccountsPage() = default;

void BrandAccountsPage::connectModel()
{
    // Structural changes rebuild the rows; value changes update them in place.
    connect(m_model, &QAbstractItemModel::modelReset, this, &BrandAccountsPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &BrandAccountsPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &BrandAccountsPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::rowsMoved, this, &BrandAccountsPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &BrandAccountsPage::rebuildRows);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &BrandAccountsPage::updateRows);
}

QWidget *BrandAccountsPage::buildHeader()
{
    auto *header = new QWidget(this);
    auto *title = new QLabel(tr("Brand Accounts"), header);
    title->setObjectName(QStringLiteral("pageTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.75);
    titleFont.setWeight(QFont::DemiBold);
    title->setFont(titleFont);
    auto *description = new QLabel(tr("Your organisation's own social media accounts, connected "
                                      "once for the whole tenant. Everyone allowed to use brand "
                                      "accounts works with them in EasyCRM."),
                                   header);
    description->setObjectName(QStringLiteral("pageDescription"));
    description->setWordWrap(true);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(4);
    texts->addWidget(title);
    texts->addWidget(description);

    // The holder shows why the button is disabled: a disabled button shows no tooltip.
    m_addHolder = new QWidget(header);
    m_addButton = new QPushButton(tr("Add Brand Account"), m_addHolder);
    m_addButton->setObjectName(QStringLiteral("addBrandAccountButton"));
    m_addButton->setProperty("action", QStringLiteral("primary"));
    m_addButton->setCursor(Qt::PointingHandCursor);
    auto *holderLayout = new QHBoxLayout(m_addHolder);
    holderLayout->setContentsMargins(0, 0, 0, 0);
    holderLayout->addWidget(m_addButton);
    connect(m_addButton, &QPushButton::clicked, this, &BrandAccountsPage::openAddDialog);

    auto *layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(24);
    layout->addLayout(texts, 1);
    layout->addWidget(m_addHolder, 0, Qt::AlignTop | Qt::AlignRight);
    return header;
}

QWidget *BrandAccountsPage::buildList()
{
    auto *list = new QWidget;
    list->setObjectName(QStringLiteral("brandList"));
    m_rowsLayout = new QVBoxLayout(list);
    m_rowsLayout->setContentsMargins(0, 0, 0, 0);
    m_rowsLayout->setSpacing(10);
    m_emptyState = buildEmptyState(list);
    m_rowsLayout->addWidget(m_emptyState);
    m_rowsLayout->addStretch(1);

    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("brandScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setWidget(list);
    m_scroll->viewport()->setAutoFillBackground(false);
    return m_scroll;
}

// What an admin meeting the page for the first time needs to know: what a brand account is,
// and how one is added.
QFrame *BrandAccountsPage::buildEmptyState(QWidget *parent)
{
    auto *card = new QFrame(parent);
    card->setObjectName(QStringLiteral("brandEmptyState"));
    auto *title = new QLabel(tr("No brand accounts yet"), card);
    title->setObjectName(QStringLiteral("emptyTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    titleFont.setWeight(QFont::DemiBold);
    title->setFont(titleFont);
    auto *text = new QLabel(
        tr("Brand accounts are your organisation's own social media accounts: the company "
           "page, the support handle, a product channel. They belong to the tenant, not to the "
           "person who connected them. Everyone allowed to use brand accounts can read their "
           "mentions, answer their messages and publish for the brand, and nothing stops "
           "working when that person leaves."),
        card);
    text->setObjectName(QStringLiteral("emptyText"));
    text->setWordWrap(true);
    m_emptyHint = new QLabel(card);
    m_emptyHint->setObjectName(QStringLiteral("emptyHint"));
    m_emptyHint->setWordWrap(true);
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(24, 22, 24, 22);
    layout->setSpacing(8);
    layout->addWidget(title);
    layout->addWidget(text);
    layout->addWidget(m_emptyHint);
    return card;
}

void BrandAccountsPage::showEmptyTexts()
{
    m_emptyHint->setText(
        m_canManage ? tr("Add Brand Account connects the first one: you name it, choose its "
                         "provider and sign in with the brand's account in your browser.")
                    : tr("An administrator allowed to manage brand accounts can add them "
                         "here."));
}

void BrandAccountsPage::setCanManage(bool canManage)
{
    m_canManage = canManage;
    m_addHolder->setVisible(canManage);
    if (!canManage && m_dialog)
        m_dialog->reject();
    for (BrandAccountRow *row : std::as_const(m_rows))
        row->setCanManage(canManage);
    showEmptyTexts();
}

void BrandAccountsPage::rebuildRows()
{
    m_rowsLayout->removeWidget(m_waitingPanel);
    // Deleted later, not now: a row may be the sender of the click that led to this rebuild.
    // Unparented at once so it is no longer part of the page.
    for (BrandAccountRow *row : std::as_const(m_rows)) {
        m_rowsLayout->removeWidget(row);
        row->setParent(nullptr);
        row->deleteLater();
    }
    m_rows.clear();

    const int count = m_model ? m_model->rowCount() : 0;
    for (int row = 0; row < count; ++row) {
        const QModelIndex index = m_model->index(row);
        auto *brandRow =
            new BrandAccountRow(index.data(BrandAccountsModel::BrandAccountIdRole).toUuid(),
                                index.data(BrandAccountsModel::ConnectionIdRole).toUuid(),
                                m_rowsLayout->parentWidget());
        connect(
            brandRow, &BrandAccountRow::actionTriggered, this,
            [this, brandRow](BrandAccountsModel::Action action) { onRowAction(brandRow, action); });
        brandRow->showData(index);
        brandRow->setCanManage(m_canManage);
        m_rowsLayout->insertWidget(row, brandRow);
        m_rows.append(brandRow);
    }
    m_emptyState->setVisible(count == 0);
    applyFlowState();
    placeWaitingPanel();
}

void BrandAccountsPage::updateRows(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    for (int row = topLeft.row(); row <= bottomRight.row() && row < m_rows.size(); ++row)
        m_rows.at(row)->showData(m_model->index(row));
}

void BrandAccountsPage::openAddDialog()
{
    if (!m_canManage || isWaiting() || m_otherRunning)
        return;
    if (m_dialog) {
        m_dialog->raise();
        return;
    }
    QList<ProviderChoice> choices;
    const int count = m_providers ? m_providers->rowCount() : 0;
    for (int row = 0; row < count; ++row) {
        const QModelIndex index = m_providers->index(row);
        choices.append({index.data(ProviderListModel::ProviderKeyRole).toString(),
                        index.data(ProviderListModel::ProviderNameRole).toString(),
                        index.data(ProviderListModel::ConfiguredRole).toBool()});
    }
    m_messageStrip->dismiss();
    m_dialog = new AddBrandAccountDialog(choices, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &AddBrandAccountDialog::submitted, this,
            &BrandAccountsPage::onDialogSubmitted);
    connect(m_dialog, &AddBrandAccountDialog::cancelRequested, this, &BrandAccountsPage::onCancel);
    m_dialog->open();
}

void BrandAccountsPage::onDialogSubmitted(const QString &name, const QString &providerKey)
{
    qCDebug(lcBrandPage) << "add requested at" << providerKey;
    m_target = Target::Add;
    applyFlowState();
    emit addRequested(name, providerKey);
}

void BrandAccountsPage::onRowAction(BrandAccountRow *row, BrandAccountsModel::Action action)
{
    qCDebug(lcBrandPage) << "action" << action << "on a brand account";
    switch (action) {
    case BrandAccountsModel::Action::Reconnect:
        m_messageStrip->dismiss(); // the outcome of an earlier action no longer applies
        m_target = Target::Reconnect;
        m_reconnectId = row->connectionId();
        m_waitingPanel->start(providerNameOf(m_reconnectId), {});
        placeWaitingPanel();
        applyFlowState();
        emit reconnectRequested(row->connectionId());
        break;
    case BrandAccountsModel::Action::Disconnect:
        emit disconnectRequested(row->connectionId());
        break;
    case BrandAccountsModel::Action::Remove:
        emit removeRequested(row->brandAccountId());
        break;
    case BrandAccountsModel::Action::Details:
        emit detailsRequested(row->connectionId());
        break;
    case BrandAccountsModel::Action::None:
        break;
    }
}

void BrandAccountsPage::showWaiting(const QUrl &authorizeUrl)
{
    if (m_target == Target::Add && dialogOpen()) {
        m_dialog->showWaiting(authorizeUrl);
        return;
    }
    if (m_target == Target::None)
        m_target = Target::Reconnect; // not asked for here: shown first on the page
    m_waitingPanel->start(providerNameOf(m_reconnectId), authorizeUrl);
    placeWaitingPanel();
    applyFlowState();
}

void BrandAccountsPage::showPhase(FlowPhase phase)
{
    if (phase == FlowPhase::Idle) {
        clearWaiting();
        return;
    }
    if (m_target == Target::Add && dialogOpen()) {
        m_dialog->showPhase(phase);
        return;
    }
    if (m_target == Target::None) {
        m_target = Target::Reconnect;
        m_waitingPanel->start(QString(), {});
        placeWaitingPanel();
        applyFlowState();
    }
    m_waitingPanel->setPhase(phase);
}

void BrandAccountsPage::showSuccess(const QString &message)
{
    clearWaiting();
    if (dialogOpen())
        m_dialog->accept();
    m_messageStrip->showMessage(MessageStrip::Kind::Success, message);
}

void BrandAccountsPage::showError(const QString &message)
{
    clearWaiting();
    if (dialogOpen()) {
        m_dialog->showError(message);
        return;
    }
    m_messageStrip->showMessage(MessageStrip::Kind::Error, message);
}

void BrandAccountsPage::showInfo(const QString &message)
{
    if (dialogOpen()) {
        m_dialog->showInfo(message);
        return;
    }
    m_messageStrip->showMessage(MessageStrip::Kind::Info, message);
}

void BrandAccountsPage::clearWaiting()
{
    m_target = Target::None;
    m_reconnectId = QUuid();
    m_waitingPanel->reset();
    if (dialogOpen())
        m_dialog->endWaiting();
    placeWaitingPanel();
    applyFlowState();
}

void BrandAccountsPage::setOtherAttemptRunning(bool running)
{
    m_otherRunning = running;
    applyFlowState();
}

void BrandAccountsPage::onCancel()
{
    // The person asked to stop; the page does not wait for the service to confirm.
    const bool wasWaiting = isWaiting();
    m_target = Target::None;
    m_reconnectId = QUuid();
    m_waitingPanel->reset();
    placeWaitingPanel();
    applyFlowState();
    if (wasWaiting)
        emit cancelRequested();
}

void BrandAccountsPage::placeWaitingPanel()
{
    m_rowsLayout->removeWidget(m_waitingPanel);
    if (m_target != Target::Reconnect) {
        m_waitingPanel->hide();
        return;
    }
    // Right under the account it reconnects; first when it is not (or no longer) listed.
    qsizetype at = 0;
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i)->connectionId() == m_reconnectId)
            at = i + 1;
    }
    m_waitingPanel->showInRows(m_rowsLayout, static_cast<int>(at), m_scroll);
}

void BrandAccountsPage::applyFlowState()
{
    const bool running = isWaiting() || m_otherRunning;
    for (BrandAccountRow *row : std::as_const(m_rows))
        row->setFlowRunning(running);
    m_addButton->setEnabled(!running);
    m_addHolder->setToolTip(running ? busyTip() : QString());
    m_addButton->setToolTip(running ? busyTip() : QString());
}

QString BrandAccountsPage::providerNameOf(const QUuid &connectionId) const
{
    const auto status = m_model ? m_model->statusOfConnection(connectionId) : std::nullopt;
    return status ? status->providerName : QString();
}

AddBrandAccountDialog *BrandAccountsPage::addDialog() const
{
    return m_dialog;
}

bool BrandAccountsPage::dialogOpen() const
{
    return m_dialog && m_dialog->isVisible();
}

} // namespace EasyCrm::Ui
