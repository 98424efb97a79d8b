#include "ui/connectiondetailsdialog.h"

#include "models/connectionreasons.h"
#include "ui/theme.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

constexpr int kBadgeSize = 40;

// Handles, reasons and error codes come from providers and the database: never rich text.
QLabel *plainLabel(const QString &text, QWidget *parent, const QString &objectName = {})
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!objectName.isEmpty())
        label->setObjectName(objectName);
    return label;
}

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = plainLabel(text, parent);
    QFont font = label->font();
    font.setWeight(QFont::DemiBold);
    label->setFont(font);
    label->setContentsMargins(0, 10, 0, 2);
    return label;
}

QTreeWidget *table(const QStringList &headers, QWidget *parent, const QString &objectName)
{
    auto *tree = new QTreeWidget(parent);
    tree->setObjectName(objectName);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setSelectionMode(QAbstractItemView::NoSelection);
    tree->setFocusPolicy(Qt::NoFocus);
    tree->setAlternatingRowColors(true);
    tree->header()->setStretchLastSection(true);
    tree->header()->setSectionsMovable(false);
    return tree;
}

void fitRows(QTreeWidget *tree, int minimumRows)
{
    for (int column = 0; column + 1 < tree->columnCount(); ++column)
        tree->resizeColumnToContents(column);
    const int rowHeight = tree->sizeHintForRow(0) > 0 ? tree->sizeHintForRow(0) : 24;
    const int rows = std::max(minimumRows, tree->topLevelItemCount());
    tree->setMinimumHeight(tree->header()->sizeHint().height() + rows * rowHeight + 6);
}

} // namespace

ConnectionDetailsDialog::ConnectionDetailsDialog(const Models::ConnectionDetails &details,
                                                 QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("connectionDetailsDialog"));
    //: Window title; %1 is the provider's name, e.g. LinkedIn.
    setWindowTitle(tr("%1 connection details").arg(details.providerName));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 18, 20, 14);
    layout->setSpacing(6);
    layout->addWidget(buildHeader(details));
    layout->addWidget(sectionTitle(tr("Tokens"), this));
    layout->addWidget(buildTokens(details));
    layout->addWidget(sectionTitle(tr("Scopes"), this));
    layout->addWidget(buildScopes(details));
    layout->addWidget(sectionTitle(tr("History"), this));
    layout->addWidget(buildHistory(details), 1);
    layout->addWidget(buttons);
    resize(720, 640);
}

QString ConnectionDetailsDialog::statusText(Db::ConnectionStatus status)
{
    switch (status) {
    case Db::ConnectionStatus::NotConnected:
        return tr("Not Connected");
    case Db::ConnectionStatus::Connected:
        return tr("Connected");
    case Db::ConnectionStatus::RequiresReauth:
        return tr("Requires Re-auth");
    }
    return {};
}

QString ConnectionDetailsDialog::timeText(const QDateTime &utc)
{
    if (!utc.isValid())
        return QStringLiteral("—");
    return utc.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QWidget *ConnectionDetailsDialog::buildHeader(const Models::ConnectionDetails &details)
{
    auto *header = new QWidget(this);
    auto *badge = plainLabel(details.providerName.left(1).toUpper(), header);
    badge->setFixedSize(kBadgeSize, kBadgeSize);
    badge->setAlignment(Qt::AlignCenter);
    badge->setStyleSheet(QStringLiteral("background: %1; color: #ffffff; border-radius: %2px;"
                                        " font-weight: 700;")
                             .arg(Theme::badgeColour(details.providerKey).name())
                             .arg(kBadgeSize / 2));
    auto *title = plainLabel(details.providerName, header, QStringLiteral("detailsTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setWeight(QFont::DemiBold);
    title->setFont(titleFont);
    QString who = details.externalHandle.isEmpty() ? QString() : u'@' + details.externalHandle;
    if (!details.externalDisplayName.isEmpty())
        who = who.isEmpty() ? details.externalDisplayName
                            : tr("%1 (%2)").arg(who, details.externalDisplayName);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(2);
    texts->addWidget(title);
    texts->addWidget(plainLabel(who, header, QStringLiteral("detailsAccount")));
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(14);
    row->addWidget(badge, 0, Qt::AlignVCenter);
    row->addLayout(texts, 1);
    return header;
}

QWidget *ConnectionDetailsDialog::buildTokens(const Models::ConnectionDetails &details)
{
    auto *box = new QWidget(this);
    box->setObjectName(QStringLiteral("detailsTokens"));
    auto *form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->setHorizontalSpacing(18);
    form->setLabelAlignment(Qt::AlignLeft);
    QString status = statusText(details.status);
    // After a disconnect the stored reason ("Disconnected") would only repeat the state.
    if (details.status == Db::ConnectionStatus::RequiresReauth && !details.statusReason.isEmpty())
        //: %1 is the state ("Requires Re-auth"), %2 the reason code, e.g. RefreshTokenRejected.
        status = tr("%1 — %2").arg(status, details.statusReason);
    form->addRow(tr("State"), plainLabel(status, box, QStringLiteral("detailsState")));
    form->addRow(tr("Connected since"), plainLabel(timeText(details.connectedSince), box));
    form->addRow(tr("Access token expires"), plainLabel(timeText(details.accessTokenExpiresAt), box,
                                                        QStringLiteral("detailsAccessExpiry")));
    QString refreshToken = tr("None: a new sign-in is needed when the access token expires");
    if (details.hasRefreshToken)
        refreshToken = details.refreshTokenExpiresAt.isValid()
                           ? tr("Kept, valid until %1").arg(timeText(details.refreshTokenExpiresAt))
                           : tr("Kept");
    form->addRow(tr("Refresh token"), plainLabel(refreshToken, box));
    QString lastRefresh = tr("Never refreshed");
    if (details.lastRefreshTime.isValid())
        //: %1 is a time, %2 the outcome code, e.g. Refreshed or NetworkError.
        lastRefresh =
            tr("%1 — %2").arg(timeText(details.lastRefreshTime),
                              details.lastRefreshOutcome.isEmpty() ? tr("no outcome recorded")
                                                                   : details.lastRefreshOutcome);
    form->addRow(tr("Last refresh"),
                 plainLabel(lastRefresh, box, QStringLiteral("detailsLastRefresh")));
    if (details.refreshFailureCount > 0)
        form->addRow(tr("Next attempt"), plainLabel(tr("%1 (after %n failed attempt(s))", nullptr,
                                                       details.refreshFailureCount)
                                                        .arg(timeText(details.nextRefreshTime)),
                                                    box, QStringLiteral("detailsNextRefresh")));
    return box;
}

QTreeWidget *ConnectionDetailsDialog::buildScopes(const Models::ConnectionDetails &details)
{
    auto *tree = table({tr("Scope"), tr("Enabled by the admin"), tr("Granted")}, this,
                       QStringLiteral("detailsScopes"));
    QStringList scopes = details.enabledScopes;
    for (const QString &scope : details.grantedScopes) {
        if (!scopes.contains(scope))
            scopes.append(scope);
    }
    const QString yes = tr("Yes");
    const QString no = tr("No");
    for (const QString &scope : std::as_const(scopes)) {
        auto *item =
            new QTreeWidgetItem(tree, {scope, details.enabledScopes.contains(scope) ? yes : no,
                                       details.grantedScopes.contains(scope) ? yes : no});
        // A scope the admin enabled but the person did not grant is what support looks for.
        if (details.enabledScopes.contains(scope) != details.grantedScopes.contains(scope))
            for (int column = 1; column < 3; ++column)
                item->setForeground(column, QColor(0xb4, 0x53, 0x09));
    }
    fitRows(tree, 2);
    return tree;
}

QTreeWidget *ConnectionDetailsDialog::buildHistory(const Models::ConnectionDetails &details)
{
    auto *tree = table({tr("When"), tr("Change"), tr("Why"), tr("Provider error")}, this,
                       QStringLiteral("detailsHistory"));
    // Newest first: the change being investigated is usually the last one.
    for (auto it = details.history.crbegin(); it != details.history.crend(); ++it) {
        //: A state change: %1 the state before, %2 the state after.
        const QString change =
            tr("%1 → %2").arg(statusText(it->fromStatus), statusText(it->toStatus));
        // The reason in words; its stored code stays at hand for whoever searches the logs.
        // The provider's error code is shown as the provider sent it.
        auto *item = new QTreeWidgetItem(
            tree,
            {timeText(it->creationTime), change, Models::ConnectionReasons::historyText(it->reason),
             it->providerError.isEmpty() ? QStringLiteral("—") : it->providerError});
        item->setToolTip(2, it->reason);
    }
    fitRows(tree, 3);
    return tree;
}

} // namespace EasyCrm::Ui
