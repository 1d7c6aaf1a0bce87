"""Names for demo people: diverse, British and of working age, as in Lewisham's workforce.

Names are drawn within one heritage at a time, so a first name and a surname belong together
(with a few mixed pairs, as in any London borough). The weights follow roughly the make-up of
Lewisham's working-age population. Common names are used on purpose: the pairs are random and
describe nobody.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Heritage:
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    weight: int


BRITISH_AND_IRISH = Heritage(
    first_names=_words(
        """
        Sarah Claire Emma Rachel Joanne Helen Laura Rebecca Hannah Katie Lucy Charlotte
        Victoria Louise Nicola Kerry Gemma Natalie Jessica Amy Sophie Eleanor Alice Harriet
        Fiona Siobhan Niamh Aoife Bronwen Catriona Rhiannon Megan Jennifer Susan Karen Julie
        Alison Deborah Gillian Lesley Tracey Elaine Margaret Anne Carol Kate Jane Ruth Frances
        Zoe Abigail Caroline David Paul Mark Andrew James John Michael Richard Stephen Simon
        Matthew Daniel Thomas Christopher Robert Peter Gareth Rhys Owen Dylan Ciaran Sean
        Declan Liam Callum Euan Hamish Alistair Graham Neil Ian Stuart Martin Jonathan Ben Sam
        Tom Joe Adam Luke Jack Harry George William Edward Nathan Craig Dean Lee Gary Kevin
        Darren Philip Alex Chris Jo
        """
    ),
    surnames=_words(
        """
        Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans
        Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Hill Harris
        Cooper Ward Morris King Baker Harrison Morgan Allen Parker Lewis Bennett Collins Murphy
        Kelly O'Brien O'Connor Byrne Walsh Ryan Doyle McCarthy Gallagher Fitzgerald Quinn
        Campbell Stewart MacDonald Fraser Reid Robertson Murray Henderson Price Lloyd Owen Rees
        Powell Pritchard Jenkins Howell Griffiths Ellis Marshall Chapman Mason Fletcher Holmes
        Palmer Barnes Fisher Lawrence Knight Butler Shaw Webb Hunt Stone Cole Dixon Hart Gibson
        Russell Pearce Hayes Burton Ashworth Pemberton Whitfield Hargreaves Kemp Lambert Barker
        Foster Sutton Rowe Carter
        """
    ),
    weight=46,
)

BLACK_AFRICAN = Heritage(
    first_names=_words(
        """
        Adaeze Chidinma Ngozi Chiamaka Funmilayo Folake Yetunde Abimbola Temitope Oluwaseun
        Adebayo Babajide Chukwuemeka Obinna Ifeanyi Nnamdi Emeka Tunde Kunle Femi Segun Kwame
        Kofi Kwabena Yaw Akosua Ama Abena Efua Afua Esi Kojo Amara Zainab Hodan Fadumo Abdi
        Asha Ayan Hamza Grace Blessing Precious Joy Faith Patience Samuel Emmanuel Joseph
        Tendai Rutendo Chipo Tatenda Thandiwe Sipho Neema Mbali Ruth Isaac Comfort
        """
    ),
    surnames=_words(
        """
        Okafor Okonkwo Adeyemi Adebayo Ogunleye Olawale Balogun Eze Nwosu Obi Chukwu Ibrahim
        Abubakar Mensah Owusu Boateng Asante Agyeman Osei Acheampong Appiah Darko Quaye Addo
        Ansah Tetteh Mohamed Hassan Abdullahi Warsame Farah Osman Jama Moyo Ndlovu Dube Mukasa
        Kamara Sesay Conteh Bangura Koroma Mutua Kimani Otieno Okoro Adeleke Afolabi Ojo
        Ogundipe Akinola Bello Mwangi Nkosi Onyango Danso Amoah Oduya Egbe
        """
    ),
    weight=16,
)

BLACK_CARIBBEAN = Heritage(
    first_names=_words(
        """
        Marcia Sonia Beverley Yvonne Claudette Paulette Jacqueline Shanice Tanisha Keisha Jade
        Chantelle Simone Donna Sharon Natasha Aaliyah Kayla Jermaine Delroy Winston Leroy
        Tyrone Marlon Dwayne Andre Kemar Clive Errol Lloyd Trevor Courtney Devon Jordan Kareem
        Ricardo Curtis Desmond Neville Carlton Nathaniel Rochelle Tamika Leon
        """
    ),
    surnames=_words(
        """
        Campbell Brown Williams Thomas Francis Gayle Bailey Reid Henry Samuels Clarke Grant
        Johnson Morgan Lewis Edwards James Joseph Phillips Richards Gordon Anderson Bennett
        Forbes Stewart McKenzie Powell Morrison Fearon Blake DaCosta Hylton Lindo Nembhard
        Spence Wedderburn Whyte Beckford Ricketts Barrett Haughton Christie Chambers Sinclair
        Dacres Bryan
        """
    ),
    weight=12,
)

SOUTH_ASIAN = Heritage(
    first_names=_words(
        """
        Priya Anjali Sunita Meera Kavita Neha Pooja Deepa Nirmala Harpreet Manpreet Jaspreet
        Gurpreet Simran Ayesha Sana Nadia Saima Rubina Shazia Nasreen Taslima Shirin Rahima
        Fahmida Amit Rajesh Sanjay Vikram Arjun Rohan Nikhil Suresh Ravi Dev Harjit Kuldip
        Mandeep Imran Tariq Asif Kamran Faisal Bilal Usman Shahid Rashid Jamal Rafiq Anil
        Tharshan Kajan Nirosha Thushara Fatima Yasmin
        """
    ),
    surnames=_words(
        """
        Patel Shah Mehta Desai Joshi Sharma Gupta Kumar Singh Kaur Sandhu Gill Dhillon Bains
        Sidhu Khan Ahmed Hussain Akhtar Iqbal Malik Chaudhry Qureshi Butt Rahman Begum Uddin
        Miah Islam Choudhury Hoque Ali Nair Menon Pillai Krishnan Sivakumar Rajaratnam
        Thangarajah Selvarajah Fernando Perera Mistry Parmar Chauhan Rana Bhatt
        """
    ),
    weight=10,
)

EAST_AND_SOUTH_EAST_ASIAN = Heritage(
    first_names=_words(
        """
        Wei Mei Xin Ying Hui Jun Jing Ling Hoa Linh Thanh Minh Tuan Huong Trang Quang Duc Anh
        Kenji Yuki Hana Jia Kai Hyun Jenny Vivian Eric Sandra Kevin Michelle Alan
        """
    ),
    surnames=_words(
        """
        Chen Wong Li Wang Zhang Liu Huang Lin Lau Cheung Chan Ng Ho Lam Tang Yip Leung Nguyen
        Tran Le Pham Hoang Vu Dang Bui Kim Park Tanaka Sato
        """
    ),
    weight=5,
)

EUROPEAN = Heritage(
    first_names=_words(
        """
        Agnieszka Katarzyna Magdalena Joanna Anna Marta Ewa Tomasz Piotr Krzysztof Marek Lukasz
        Ana Ines Joana Beatriz Mariana Joao Tiago Rui Pedro Andreea Ioana Elena Mihai Andrei
        Gabriel Giulia Francesca Chiara Marco Luca Alessandro Sofia Maria Eleni Katerina Nikos
        Dimitris Elif Zeynep Ayse Emre Mehmet Burak Deniz Ieva Tomas
        """
    ),
    surnames=_words(
        """
        Nowak Mazur Krawczyk Wojcik Kaczmarek Pawlak Michalak Sikora Baran Duda Wrobel Silva
        Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes Goncalves
        Gomes Popescu Ionescu Constantin Stan Dumitru Radu Marin Rossi Russo Ferrari Esposito
        Bianchi Romano Ricci Conti Georgiou Papadopoulos Constantinou Christodoulou Ioannou
        Yilmaz Kaya Demir Sahin Celik Ozturk Aydin Arslan
        """
    ),
    weight=9,
)

HERITAGES = (
    BRITISH_AND_IRISH,
    BLACK_AFRICAN,
    BLACK_CARIBBEAN,
    SOUTH_ASIAN,
    EAST_AND_SOUTH_EAST_ASIAN,
    EUROPEAN,
)
_WEIGHTS = tuple(heritage.weight for heritage in HERITAGES)

# One person in twenty has a first name from one heritage and a surname from another.
MIXED_PAIR_CHANCE = 0.05


def person_name(rng: random.Random) -> tuple[str, str]:
    """A first name and a surname."""
    heritage = rng.choices(HERITAGES, weights=_WEIGHTS)[0]
    surname_from = heritage
    if rng.random() < MIXED_PAIR_CHANCE:
        surname_from = rng.choices(HERITAGES, weights=_WEIGHTS)[0]
    return rng.choice(heritage.first_names), rng.choice(surname_from.surnames)


def email_part(name: str) -> str:
    """A name as it appears in an email address: "O'Brien" becomes "obrien"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9-]", "", ascii_name.lower())
