package app

import "time"

// Role is what an account may do.
type Role string

// Roles, from most to least trusted.
const (
	Owner   Role = "owner"
	Manager Role = "manager"
	Clerk   Role = "clerk"
	Picker  Role = "picker"
	Packer  Role = "packer"
	Viewer  Role = "viewer"
)

// Roles lists every role.
var Roles = []Role{Owner, Manager, Clerk, Picker, Packer, Viewer}

// ParseRole returns the role named s or an invalid-input error for field.
func ParseRole(field, s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", FieldErrorf(field, "%q is not a role: use owner, manager, clerk, picker, packer or viewer", s)
}

// Action is something a role may or may not do.
type Action string

// Actions checked by the services and the API.
const (
	ReadStock      Action = "read_stock"
	EditCatalog    Action = "edit_catalog"
	EditLocations  Action = "edit_locations"
	ManageAccounts Action = "manage_accounts"
	// ChangeLotStatus is holding, quarantining, releasing and recalling
	// lots: a manager's or owner's decision.
	ChangeLotStatus Action = "change_lot_status"
	// ManagePurchasing is keeping suppliers and purchase orders.
	ManagePurchasing Action = "manage_purchasing"
	// ReceiveGoods is receiving deliveries and putting them away.
	ReceiveGoods Action = "receive_goods"
	// ManageOrders is entering, releasing and cancelling sales orders,
	// customers, waves and pick lists.
	ManageOrders Action = "manage_orders"
	// PickOrders is claiming pick lists and confirming picks.
	PickOrders Action = "pick_orders"
	// PackOrders is packing and shipping parcels at a station.
	PackOrders Action = "pack_orders"
	// OverrideWeight is passing a parcel that failed its weight check, with
	// a reason: a manager's decision.
	OverrideWeight Action = "override_weight"
	// ManageTransfers is shipping and receiving transfers between sites
	// and receiving customer returns.
	ManageTransfers Action = "manage_transfers"
	// UseFloor is opening the floor hub, whose tiles each need their own
	// action: every role that works on the floor has it.
	UseFloor Action = "use_floor"
)

// PostAction is the action of posting a movement of kind k.
func PostAction(k MovementKind) Action { return Action("post_" + string(k)) }

var grants = map[Role][]Action{
	Manager: {ReadStock, EditCatalog, EditLocations, ManageAccounts, ViewReplication, ChangeLotStatus,
		PostAction(Receive), PostAction(Move), PostAction(Ship), PostAction(Adjust),
		PostAction(Count), PostAction(Return), PostAction(Reversal),
		ManagePurchasing, ReceiveGoods, ManageOrders, PickOrders, PackOrders, OverrideWeight, ManageTransfers, UseFloor},
	Clerk: {ReadStock, PostAction(Receive), PostAction(Move), PostAction(Ship),
		PostAction(Adjust), PostAction(Count), PostAction(Return),
		ManagePurchasing, ReceiveGoods, ManageOrders, PickOrders, PackOrders, ManageTransfers, UseFloor},
	Picker: {ReadStock, PostAction(Move), PostAction(Count), PickOrders, UseFloor},
	Packer: {ReadStock, PostAction(Ship), PackOrders, UseFloor},
	Viewer: {ReadStock},
}

// Can reports whether role r may do a. Owners may do everything.
func (r Role) Can(a Action) bool {
	if r == Owner {
		return true
	}
	for _, g := range grants[r] {
		if g == a {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// Authorize returns a forbidden error unless u may do a.
func (u *User) Authorize(a Action) error {
	if u == nil {
		return Errorf(EUNAUTH, "sign in first")
	}
	if !u.Role.Can(a) {
		return Errorf(EFORBIDDEN, "role %s may not %s", u.Role, describeAction(a))
	}
	return nil
}

func describeAction(a Action) string {
	switch a {
	case ReadStock:
		return "read stock"
	case EditCatalog:
		return "edit the catalog"
	case EditLocations:
		return "edit locations"
	case ManageAccounts:
		return "manage accounts"
	case ChangeLotStatus:
		return "change a lot's status"
	case ManagePurchasing:
		return "manage suppliers and purchase orders"
	case ReceiveGoods:
		return "receive goods or put them away"
	case ManageOrders:
		return "manage orders and pick lists"
	case PickOrders:
		return "pick orders"
	case PackOrders:
		return "pack and ship orders"
	case OverrideWeight:
		return "override a failed weight check"
	case ManageTransfers:
		return "ship or receive transfers and returns"
	case UseFloor:
		return "use the floor screens"
	}
	return "post " + string(a[len("post_"):]) + " movements"
}
