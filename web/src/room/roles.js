// Who is what in a roundtable's room, from the control plane: the join
// answer names the moderators and guest speakers and the talk's shape, and
// the room metadata (which only the server sets) names who was brought on
// stage. Never from participants' attributes: on a LiveKit server anyone
// may set her own, "role" included, and would appear as a moderator.
import { roomMeta } from "./tiles.js";

export class Roles {
  // token is the join answer; kind the page's target kind.
  constructor(room, token, kind) {
    this.kind = kind;
    this.use(room, token);
  }

  // use follows the page into another media room of the same
  // roundtable (a breakout group), with the join answer for it.
  use(room, token) {
    this.room = room;
    this.moderators = new Set(token.moderators || []);
    this.speakers = new Set(token.speakers || []);
    // a breakout group is a small round, whatever the talk's shape
    this.stage = token.talk === "stage" && !(token.group && token.group !== "main");
  }

  // of returns p's role: moderator, speaker, audience, member, or "" in a
  // consultation. Dev-mode rooms have no control-plane data: there the
  // token's own attribute (minted by /dev/token) is all there is.
  of(p) {
    if (this.kind === "dev") return p.attributes?.role || "";
    if (this.kind !== "roundtable") return "";
    if (this.moderators.has(p.identity)) return "moderator";
    if (this.speakers.has(p.identity)) return "speaker";
    if (!this.stage) return "member";
    return (roomMeta(this.room).promoted || []).includes(p.identity) ? "speaker" : "audience";
  }

  // inAudience: a listener of a stage talk. She publishes nothing, so she
  // gets no tile of her own: the audience is counted under the stage.
  inAudience(p) { return this.of(p) === "audience"; }
}
